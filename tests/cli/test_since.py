"""``--since REF`` on scan, apply and check, on a repository with two commits (bare-except)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from backfix.cli import main


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo``; its stdout."""
    done = subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True)
    return done.stdout


LEGACY = "def f():\n    try:\n        g()\n    except:\n        raise\n"
FIXED = "def f():\n    try:\n        g()\n    except BaseException:\n        raise\n"


def invoke(repo: Path, *args: str) -> tuple[int, str, str]:
    """Run the CLI in ``repo``; exit code, stdout, stderr."""
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(repo)
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """``old.py`` in the first commit, ``new.py`` in the second; ``local.py`` untracked and
    ``edited.py`` (committed first) edited in the working tree. All four hold a bare except."""
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.name", "Test User")
    git(root, "config", "user.email", "test@example.com")
    (root / "old.py").write_text(LEGACY)
    (root / "edited.py").write_text(LEGACY)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "first")
    git(root, "tag", "v1")
    (root / "new.py").write_text(LEGACY)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "second")
    (root / "local.py").write_text(LEGACY)
    (root / "edited.py").write_text("# edited\n" + LEGACY)
    return root


def test_scan_since_reports_only_changed_files(repo: Path) -> None:
    code, out, _ = invoke(repo, "scan", "--since", "v1", "--format", "json", "--no-ledger")
    assert code == 1
    paths = {v["path"] for v in json.loads(out)["violations"]}
    assert paths == {"new.py", "local.py", "edited.py"}
    code, out, _ = invoke(repo, "scan", "--since", "HEAD", "--format", "json", "--no-ledger")
    assert {v["path"] for v in json.loads(out)["violations"]} == {"local.py", "edited.py"}


def test_scan_since_a_ref_that_does_not_exist(repo: Path) -> None:
    code, _, err = invoke(repo, "scan", "--since", "no-such-branch")
    assert code == 2
    assert "'no-such-branch' does not name a commit" in err
    assert not (repo / ".backfix").exists()


def test_scan_since_records_the_full_scan(repo: Path) -> None:
    """Every file was analysed, so the ledger holds all of them; only the output is narrowed."""
    code, out, _ = invoke(repo, "scan", "--since", "HEAD")
    assert code == 1 and "old.py" not in out
    record = json.loads((repo / ".backfix/ledger.jsonl").read_text().splitlines()[-1])
    assert set(record["codemods"]["bare-except"]["files"]) == {
        "old.py",
        "new.py",
        "local.py",
        "edited.py",
    }


def test_apply_since_rewrites_only_changed_files(repo: Path) -> None:
    git(repo, "add", "edited.py")  # staged counts as changed too
    code, _, err = invoke(repo, "apply", "bare-except", "--since", "v1", "--allow-dirty")
    assert code == 0, err
    assert (repo / "old.py").read_text() == LEGACY
    assert (repo / "new.py").read_text() == FIXED
    assert (repo / "local.py").read_text() == FIXED
    assert (repo / "edited.py").read_text() == "# edited\n" + FIXED
    record = json.loads((repo / ".backfix/ledger.jsonl").read_text().splitlines()[-1])
    assert "--since v1" in record["command"]
    # The skipped file's violation still counts as remaining.
    assert set(record["codemods"]["bare-except"]["files"]) == {"old.py"}


def test_apply_since_with_max_files(repo: Path) -> None:
    code, _, err = invoke(
        repo, "apply", "bare-except", "--since", "v1", "--max-files", "1", "--allow-dirty"
    )
    assert code == 0, err
    fixed = [
        p
        for p in ("old.py", "new.py", "local.py", "edited.py")
        if "BaseException" in (repo / p).read_text()
    ]
    assert len(fixed) == 1 and fixed[0] != "old.py"


SWALLOWS = "\n\ndef h():\n    try:\n        g()\n    except:\n        pass\n"


def test_check_since_compares_only_changed_files(repo: Path) -> None:
    """A violation main already has is not the pull request's; one the branch adds is."""
    invoke(repo, "scan", "--path", ".")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baseline")
    (repo / "old.py").write_text(LEGACY + SWALLOWS)
    git(repo, "commit", "-q", "-am", "a violation merged without the ledger")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "fresh.py").write_text("x = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feature work")
    code, out, _ = invoke(repo, "check")
    assert code == 1 and "new: old.py" in out
    code, out, _ = invoke(repo, "check", "--since", "main")
    assert code == 0, out
    (repo / "new.py").write_text(LEGACY + SWALLOWS)
    code, out, _ = invoke(repo, "check", "--since", "main")
    assert code == 1 and "new: new.py" in out and "old.py" not in out


def test_check_since_fails_on_a_new_violation_in_a_changed_file(repo: Path) -> None:
    invoke(repo, "scan", "--path", ".")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baseline")
    (repo / "new.py").write_text(LEGACY + SWALLOWS)
    code, out, _ = invoke(repo, "check", "--since", "HEAD")
    assert code == 1 and "new: new.py" in out


def test_since_outside_git(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(LEGACY)
    code, _, err = invoke(tmp_path, "scan", "--since", "main", "--no-ledger")
    assert code == 2 and "--since main needs a git repository" in err
