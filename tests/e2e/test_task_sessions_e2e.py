"""End to end: a FastAPI app whose background tasks write with the request's (closed) session.

The app (``task_sessions_app``) closes its session when the route returns
(``Depends(get_db, scope="function")``), so what its background tasks write is never committed: its
own tests fail. ``codemod apply task-sessions`` lets each task open its own session; the tests pass,
and ruff and mypy stay clean on the rewritten app.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from testkit import copy_app, run, run_app_tests, run_codemod

APP = Path(__file__).parent / "task_sessions_app"
RED_BEFORE = {"test_creation_is_recorded", "test_finishing_is_stored", "test_archiving_is_stored"}


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A private copy of the app, outside any git repository."""
    return copy_app(APP, tmp_path / "app", "*.db")


@pytest.mark.slow
def test_tasks_open_their_own_sessions(app: Path) -> None:
    """Red before (the tasks' writes are lost), green after, lint-clean, and idempotent."""
    before = run_app_tests(app, "check_jobs.py")
    assert before.code == 1, before.output
    assert before.failed == RED_BEFORE, before.output

    scan = run_codemod(app, "scan", "--path", ".", "--codemod", "task-sessions", "--format", "json")
    assert scan.returncode == 1, scan.stderr
    found = json.loads(scan.stdout)["violations"]
    assert {(v["path"], v["fixable"]) for v in found} == {("jobs/main.py", True)}
    assert len(found) == 3

    applied = run_codemod(app, "apply", "task-sessions", "--path", ".")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    tasks = (app / "jobs" / "tasks.py").read_text()
    assert "with SessionLocal() as db:" in tasks
    assert "db: Session" not in tasks

    after = run_app_tests(app, "check_jobs.py")
    assert after.code == 0, after.output

    for tool in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        lint = run(app, sys.executable, "-m", *tool)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    typed = run(app, sys.executable, "-m", "mypy", "--strict", "jobs")
    assert typed.returncode == 0, typed.stdout + typed.stderr

    again = run_codemod(
        app, "scan", "--path", ".", "--codemod", "task-sessions", "--format", "json"
    )
    assert again.returncode == 0, again.stdout + again.stderr
