"""``apply --interactive`` driven through a real pseudo-terminal (pexpect), answers typed as a user would.

Nothing here replaces the input functions: the command runs in its own process on a pty, reads the
answers from it, and runs ``$EDITOR`` (a small script) for ``e``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from testkit import THREE, TWO, commit_all, example_routes, git, init_repo, write_files

pytestmark = pytest.mark.slow

PROMPT = "Apply this change [y,n,a,d,e,q,?]? "

#: $EDITOR for ``e``: rewrites the log message in the change it is given
EDITOR = """\
import sys
path = sys.argv[1]
text = open(path).read()
open(path, "w").write(text.replace('"Suppressed exception"', '"load failed"'))
"""

#: $EDITOR for ``e`` that breaks the change: the new handler line loses its colon
BREAKING_EDITOR = """\
import sys
path = sys.argv[1]
text = open(path).read()
open(path, "w").write(text.replace("+    except Exception:", "+    except Exception"))
"""


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A committed git repository with a.py (three handlers), b.py and c.py (two each)."""
    return init_repo(tmp_path / "repo", {"a.py": THREE, "b.py": TWO, "c.py": TWO})


def spawn(repo: Path, *args: str, editor: str = EDITOR) -> pexpect.spawn:
    """``codemod apply ... --interactive`` on a pty in ``repo``, with ``editor`` as $EDITOR."""
    script = repo.parent / "editor.py"
    script.write_text(editor)
    env = {**os.environ, "EDITOR": f"{sys.executable} {script}", "TERM": "xterm"}
    env.pop("VISUAL", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "backfix", "apply", *args, "--interactive"],
        cwd=str(repo),
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 200),
    )


def answer(child: pexpect.spawn, *replies: str) -> None:
    """Wait for the prompt before each reply."""
    for reply in replies:
        child.expect_exact(PROMPT)
        child.sendline(reply)


def finish(child: pexpect.spawn) -> tuple[int, str]:
    """Wait for the command to end; its exit status and everything it printed after the last reply."""
    child.expect(pexpect.EOF)
    child.close()
    return child.exitstatus, child.before


def last_record(repo: Path) -> dict[str, object]:
    """The newest ledger record."""
    lines = (repo / ".backfix" / "ledger.jsonl").read_text().splitlines()
    record: dict[str, object] = json.loads(lines[-1])
    return record


def test_every_answer_through_a_terminal(repo: Path) -> None:
    child = spawn(repo, "bare-except")
    child.expect_exact("[review]")
    child.expect_exact("line 7: bare `except:` silently swallows")
    child.expect_exact('+        logger.exception("Suppressed exception")')
    answer(child, "?")
    child.expect_exact("a - apply this change and every later change in this file")
    answer(child, "e")  # a.py 1/3: edited in $EDITOR, then accepted
    child.expect_exact("edited change accepted")
    child.expect_exact("[safe]")
    answer(child, "n")  # a.py 2/3: the re-raising handler stays bare
    answer(child, "y")  # a.py 3/3
    answer(child, "a")  # b.py 1/2, and 2/2 without asking
    answer(child, "d")  # c.py 1/2, and 2/2 without asking
    status, output = finish(child)
    assert status == 0, output
    assert "accepted 4 of 7 change(s)" in output

    a = (repo / "a.py").read_text()
    assert 'logger.exception("load failed")' in a and "logger = logging.getLogger" in a
    assert "    except:\n        cleanup(path)" in a  # skipped
    assert "    except Exception:\n        y()" in a
    assert (repo / "b.py").read_text().count("except Exception:") == 2
    assert (repo / "c.py").read_text() == TWO
    for name in ("a.py", "b.py"):
        compile((repo / name).read_text(), name, "exec")
    assert git(repo, "status", "--porcelain", "--", "*.py").split() == ["M", "a.py", "M", "b.py"]

    codemods = last_record(repo)["codemods"]
    assert isinstance(codemods, dict)
    record = codemods["bare-except"]
    assert sorted((f["path"], f["line"]) for f in record["fixed"]) == [
        ("a.py", 7),
        ("a.py", 22),
        ("b.py", 4),
        ("b.py", 11),
    ]
    open_items = {path: [e["line"] for e in entries] for path, entries in record["files"].items()}
    # The skipped handler is still open, at its line in the file as written: three lines lower
    # (the four lines of the added logger, less the `pass` the log call replaced).
    assert open_items == {"a.py": [17], "c.py": [4, 11]}

    # What was skipped is offered again (once the user has committed what was written).
    git(repo, "commit", "-q", "-am", "accepted fixes")
    again = spawn(repo, "bare-except")
    again.expect_exact("[safe]")
    again.expect_exact("a.py")
    answer(again, "q")
    status, output = finish(again)
    assert status == 0 and "accepted 0 of 3 change(s)" in output


def test_quit_keeps_what_was_accepted(repo: Path) -> None:
    child = spawn(repo, "bare-except", "--path", "b.py")
    answer(child, "y", "q")
    status, output = finish(child)
    assert status == 0, output
    assert (repo / "b.py").read_text().count("except Exception:") == 1
    assert git(repo, "status", "--porcelain", "--", "*.py").split() == ["M", "b.py"]


def test_an_edit_that_breaks_the_file_is_refused_and_asked_again(repo: Path) -> None:
    child = spawn(repo, "bare-except", "--path", "b.py", editor=BREAKING_EDITOR)
    answer(child, "e")
    child.expect_exact("not edited: b.py would not be valid")
    answer(child, "n", "n")
    status, output = finish(child)
    assert status == 0, output
    assert (repo / "b.py").read_text() == TWO
    assert not (repo / ".backfix" / "ledger.jsonl").exists()  # nothing written, nothing recorded


def test_ctrl_c_at_a_prompt_writes_nothing(repo: Path) -> None:
    child = spawn(repo, "bare-except")
    answer(child, "y")
    child.expect_exact(PROMPT)
    child.sendintr()
    status, output = finish(child)
    assert status == 130, output
    assert "interrupted: nothing was written" in output
    assert git(repo, "status", "--porcelain") == ""


def test_a_route_file_and_its_service_are_one_change(repo: Path) -> None:
    routes = example_routes("jobs", "tasks")
    write_files(repo, routes)
    commit_all(repo, "routes")

    child = spawn(repo, "move-commits", "--path", "app")
    child.expect_exact("app/routes/jobs.py, app/services/__init__.py, app/services/job_service.py")
    child.expect_exact("+++ b/app/services/job_service.py")
    answer(child, "y")
    child.expect_exact("app/routes/tasks.py")
    answer(child, "n")
    status, output = finish(child)
    assert status == 0, output

    changed = git(repo, "status", "--porcelain", "--untracked-files=all", "--", "app").split("\n")
    assert sorted(line[3:] for line in changed if line) == [
        "app/routes/jobs.py",
        "app/services/__init__.py",
        "app/services/job_service.py",
    ]
    assert "JobService" in (repo / "app" / "routes" / "jobs.py").read_text()
    assert (repo / "app" / "routes" / "tasks.py").read_text() == routes["app/routes/tasks.py"]
    codemods = last_record(repo)["codemods"]
    assert isinstance(codemods, dict)
    record = codemods["move-commits"]
    assert [f["path"] for f in record["fixed"]] == ["app/routes/jobs.py"]
    assert list(record["files"]) == ["app/routes/tasks.py"]


def test_a_partly_accepted_run_keeps_the_apps_own_tests_green(tmp_path: Path) -> None:
    """On the flask_jobs example app: accept two route files' units, skip the third, run its tests."""
    app = tmp_path / "flask_jobs"
    source = Path(__file__).resolve().parents[1] / "e2e" / "apps" / "flask_jobs"
    shutil.copytree(source, app, ignore=shutil.ignore_patterns("__pycache__"))
    init_repo(app, {}, "app")
    own_tests = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    before = subprocess.run(own_tests, cwd=app, capture_output=True, text=True, check=False)
    assert before.returncode == 0, before.stdout

    child = spawn(app, "move-commits", "--path", "app/routes")
    child.expect_exact("move-commits: app/routes/admin.py")
    answer(child, "y")
    child.expect_exact("move-commits: app/routes/jobs.py")
    answer(child, "n")
    child.expect_exact("move-commits: app/routes/users.py")
    answer(child, "y")
    status, output = finish(child)
    assert status == 0, output

    after = subprocess.run(own_tests, cwd=app, capture_output=True, text=True, check=False)
    assert after.returncode == 0, after.stdout
    assert (app / "app" / "services" / "user_service.py").exists()
    assert not (app / "app" / "services" / "job_service.py").exists()
    assert git(app, "diff", "--", "app/routes/jobs.py") == ""
    codemods = last_record(app)["codemods"]
    assert isinstance(codemods, dict)
    left = codemods["move-commits"]["files"]
    assert [e["fixable"] for e in left["app/routes/jobs.py"]].count(True) == 8


def test_uncommitted_work_is_refused_before_any_question(repo: Path) -> None:
    (repo / "b.py").write_text(TWO + "\n# work in progress\n")
    child = spawn(repo, "bare-except")
    status, output = finish(child)
    assert status == 2
    assert "uncommitted" in output and "b.py" in output
    assert PROMPT not in output
    assert (repo / "a.py").read_text() == THREE
