"""End to end: ``apply --verify`` backs out a rewrite that breaks the app's own tests, and ``--bisect``
isolates the unit that breaks them while the other units are kept.

The breaking rewrite comes from a plug-in codemod registered only here (through an entry point on
``PYTHONPATH``, as a real plug-in is found): move-commits, except that in the service module it
synthesizes for the loans routes it takes two copies of a book instead of one. The app is
``tests/e2e/apps/flask_library`` (books, members, loans: three route files, each with commits to move),
copied into a fresh git repository per test.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent / "apps" / "flask_library"
TESTS = f"{sys.executable} -m pytest -q -p no:cacheprovider"

PLUGIN = '''
import libcst as cst

from backfix.builtin_codemods.move_commits import MoveCommits


class LeakyMoveCommits(MoveCommits):
    """move-commits with a deliberate bug in the loans service (a test plug-in)."""

    SUMMARY = "move-commits that breaks the loans service (test plug-in)"

    def rewrite(self, source, edits):
        module = super().rewrite(source, edits)
        if source.path.endswith("loan_service.py"):
            return cst.parse_module(module.code.replace("copies -= 1", "copies -= 2"))
        return module
'''


@pytest.fixture
def plugin_path(tmp_path: Path) -> Path:
    """A folder that, on PYTHONPATH, registers the ``leaky-move-commits`` codemod."""
    folder = tmp_path / "plugin"
    folder.mkdir()
    (folder / "leaky_codemod.py").write_text(PLUGIN)
    dist = folder / "leaky_codemod-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: leaky-codemod\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[backfix.codemods]\nleaky-move-commits = leaky_codemod:LeakyMoveCommits\n"
    )
    return folder


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; its stdout."""
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """The library app in a git repository with one commit."""
    root = tmp_path / "library-app"
    shutil.copytree(APP, root, ignore=shutil.ignore_patterns("__pycache__"))
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test User")
    git(root, "config", "user.email", "test@example.com")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "library app")
    return root


def codemod(app: Path, plugin: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``codemod ARGS`` in ``app`` with the plug-in installed."""
    env = {**os.environ, "PYTHONPATH": str(plugin), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "backfix", *args],
        cwd=app,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def snapshot(repo: Path) -> dict[str, bytes]:
    """Every file outside .git, by path: what a rolled-back run must leave exactly as it was."""
    return {
        p.relative_to(repo).as_posix(): p.read_bytes()
        for p in sorted(repo.rglob("*"))
        if p.is_file() and ".git" not in p.parts and "__pycache__" not in p.parts
    }


def own_tests(app: Path) -> subprocess.CompletedProcess[str]:
    """The app's test suite."""
    return subprocess.run(
        TESTS.split(), cwd=app, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.slow
def test_verify_rolls_back_a_breaking_rewrite_in_place(app: Path, plugin_path: Path) -> None:
    """The tests fail after the rewrite: every file is restored, new folders removed, no ledger."""
    before = snapshot(app)
    done = codemod(app, plugin_path, "apply", "leaky-move-commits", "--verify", TESTS)
    assert done.returncode == 2, done.stderr
    assert "the rewrite broke the tests" in done.stderr
    assert "your files were restored; nothing was written" in done.stderr
    assert "test_lend_takes_a_copy" in done.stderr  # the failing output's tail
    assert snapshot(app) == before
    assert not (app / "library" / "services").exists()
    assert git(app, "status", "--porcelain", "--untracked-files=all") == ""


@pytest.mark.slow
def test_verify_on_a_branch_creates_no_branch(app: Path, plugin_path: Path) -> None:
    """In --branch mode the tests run in a temporary worktree; a failure leaves no branch behind."""
    before = snapshot(app)
    done = codemod(
        app, plugin_path, "apply", "leaky-move-commits", "--branch", "fix", "--verify", TESTS
    )
    assert done.returncode == 2, done.stderr
    assert "in a temporary worktree of HEAD" in done.stderr
    assert "no branch was created" in done.stderr
    assert git(app, "branch", "--list").split() == ["*", "main"]
    assert len(git(app, "worktree", "list").splitlines()) == 1
    assert snapshot(app) == before


@pytest.mark.slow
def test_bisect_keeps_the_passing_units_in_place(app: Path, plugin_path: Path) -> None:
    """Books and members move; loans (route + its service module) is backed out and recorded."""
    original_loans = (app / "library/routes/loans.py").read_bytes()
    done = codemod(app, plugin_path, "apply", "leaky-move-commits", "--verify", TESTS, "--bisect")
    assert done.returncode == 0, done.stderr
    print(done.stderr)

    assert "=== backed out: library/routes/loans.py broke the tests" in done.stdout
    assert "+++ b/library/services/loan_service.py" in done.stdout
    assert "copies -= 2" in done.stdout  # the unit's diff
    assert "test_lend_takes_a_copy" in done.stdout  # its failing output
    assert "bisect:" in done.stderr and "test run(s)" in done.stderr  # progress

    assert (app / "library/routes/loans.py").read_bytes() == original_loans
    assert not (app / "library/services/loan_service.py").exists()
    assert (app / "library/services/book_service.py").exists()
    assert (app / "library/services/member_service.py").exists()
    assert "db.session.commit()" not in (app / "library/routes/books.py").read_text()
    tests = own_tests(app)
    assert tests.returncode == 0, tests.stdout

    record = json.loads((app / ".backfix/ledger.jsonl").read_text().splitlines()[-1])
    mc = record["codemods"]["leaky-move-commits"]
    assert {entry["path"] for entry in mc["fixed"]} == {
        "library/routes/books.py",
        "library/routes/members.py",
    }
    loans = mc["files"]["library/routes/loans.py"]
    assert len(loans) == 2
    assert all(not e["fixable"] and e["reason"].startswith("broke the tests") for e in loans)


@pytest.mark.slow
def test_bisect_on_a_branch_commits_only_the_passing_units(app: Path, plugin_path: Path) -> None:
    """The branch holds books and members; the user's tree and branch are untouched."""
    before = snapshot(app)
    done = codemod(
        app,
        plugin_path,
        "apply",
        "leaky-move-commits",
        "--branch",
        "fix",
        "--verify",
        TESTS,
        "--bisect",
    )
    assert done.returncode == 0, done.stderr
    assert snapshot(app) == before
    assert git(app, "rev-parse", "--abbrev-ref", "HEAD").strip() == "main"
    files = set(git(app, "ls-tree", "-r", "--name-only", "fix").split())
    assert {"library/services/book_service.py", "library/services/member_service.py"} <= files
    assert "library/services/loan_service.py" not in files
    assert git(app, "show", "fix:library/routes/loans.py") == git(
        app, "show", "main:library/routes/loans.py"
    )
    message = git(app, "log", "-1", "--format=%B", "fix")
    assert "library/routes/loans.py" in message and "broke the tests" in message


@pytest.mark.slow
def test_baseline_failures(app: Path, plugin_path: Path) -> None:
    """A failing baseline stops the run, unless accepted; then only new failures count."""
    (app / "tests/test_known_bug.py").write_text("def test_known_bug():\n    assert 1 == 2\n")
    git(app, "add", "-A")
    git(app, "commit", "-q", "-m", "a test that fails already")

    stopped = codemod(app, plugin_path, "apply", "move-commits", "--verify", TESTS)
    assert stopped.returncode == 2
    assert (
        "the tests already fail" in stopped.stderr and "--verify-baseline-failing" in stopped.stderr
    )
    assert git(app, "status", "--porcelain") == ""

    broken = codemod(
        app, plugin_path, "apply", "leaky-move-commits", "--verify", TESTS,
        "--verify-baseline-failing",
    )  # fmt: skip
    assert broken.returncode == 2
    assert "tests/test_loans.py::test_lend_takes_a_copy_and_giving_back_returns_it" in broken.stderr
    assert "test_known_bug" not in broken.stderr.split("now fail:")[1].split("Last lines")[0]
    assert git(app, "status", "--porcelain") == ""

    kept = codemod(
        app, plugin_path, "apply", "move-commits", "--verify", TESTS, "--verify-baseline-failing"
    )
    assert kept.returncode == 0, kept.stderr
    assert "1 test(s) fail before the rewrite" in kept.stderr
    assert (app / "library/services/loan_service.py").exists()


@pytest.mark.slow
def test_verify_command_from_the_configuration(app: Path, plugin_path: Path) -> None:
    """``verify_command`` in [tool.backfix] is used without a flag; --no-verify skips it."""
    (app / "pyproject.toml").write_text(f'[tool.backfix]\nverify_command = "{TESTS}"\n')
    git(app, "add", "-A")
    git(app, "commit", "-q", "-m", "configure backfix")
    done = codemod(app, plugin_path, "apply", "leaky-move-commits")
    assert done.returncode == 2 and "the rewrite broke the tests" in done.stderr
    skipped = codemod(app, plugin_path, "apply", "leaky-move-commits", "--no-verify")
    assert skipped.returncode == 0, skipped.stderr
    assert "copies -= 2" in (app / "library/services/loan_service.py").read_text()


@pytest.mark.slow
def test_an_interrupt_while_the_tests_run_restores_the_files(tmp_path: Path) -> None:
    """SIGTERM during the run on the rewritten tree: the test command stops, every file is restored."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "legacy.py").write_text("try:\n    pass\nexcept:\n    raise\n")
    git(repo, "add", "-A")
    git(repo, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-q", "-m", "one")
    before = snapshot(repo)
    # Passes at once the first time (the baseline), then hangs until stopped.
    hang = "if [ -e ../ran-once ]; then sleep 120; else touch ../ran-once; fi"
    process = subprocess.Popen(
        [sys.executable, "-m", "backfix", "apply", "bare-except", "--verify", hang],
        cwd=repo,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    for line in process.stderr:
        if "running it on the rewritten tree" in line:
            break
    time.sleep(0.5)
    assert "except BaseException" in (repo / "legacy.py").read_text()  # the trial is on disk
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 130
    assert "interrupted: nothing was written" in process.stderr.read()
    assert snapshot(repo) == before
