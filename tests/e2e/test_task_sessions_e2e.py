"""End to end: a FastAPI app whose background tasks write with the request's (closed) session.

The app (``task_sessions_app``) closes its session when the route returns
(``Depends(get_db, scope="function")``), so what its background tasks write is never committed: its
own tests fail. ``codemod apply task-sessions`` lets each task open its own session; the tests pass,
and ruff and mypy stay clean on the rewritten app.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).parent / "task_sessions_app"
RED_BEFORE = {"test_creation_is_recorded", "test_finishing_is_stored", "test_archiving_is_stored"}
#: a guard against a hung subprocess, not a timing assertion.
TIMEOUT = 300


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _app_tests(app: Path) -> tuple[int, set[str], str]:
    result = _run(
        [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider", "check_jobs.py"],
        app,
    )
    output = result.stdout + result.stderr
    failed = set(re.findall(r"^FAILED \S+::(\w+)", output, flags=re.MULTILINE))
    return result.returncode, failed, output


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A private copy of the app, outside any git repository."""
    target = tmp_path / "app"
    shutil.copytree(APP, target, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    return target


@pytest.mark.slow
def test_tasks_open_their_own_sessions(app: Path) -> None:
    """Red before (the tasks' writes are lost), green after, lint-clean, and idempotent."""
    code, failed, output = _app_tests(app)
    assert code == 1, output
    assert failed == RED_BEFORE, output

    scan = _run(
        [
            sys.executable,
            "-m",
            "backfix",
            "scan",
            "--path",
            ".",
            "--codemod",
            "task-sessions",
            "--format",
            "json",
        ],
        app,
    )
    assert scan.returncode == 1, scan.stderr
    found = json.loads(scan.stdout)["violations"]
    assert {(v["path"], v["fixable"]) for v in found} == {("jobs/main.py", True)}
    assert len(found) == 3

    applied = _run([sys.executable, "-m", "backfix", "apply", "task-sessions", "--path", "."], app)
    assert applied.returncode == 0, applied.stdout + applied.stderr
    tasks = (app / "jobs" / "tasks.py").read_text()
    assert "with SessionLocal() as db:" in tasks
    assert "db: Session" not in tasks

    code, failed, output = _app_tests(app)
    assert code == 0, output

    for tool in (["ruff", "check", "."], ["ruff", "format", "--check", "."]):
        lint = _run([sys.executable, "-m", *tool], app)
        assert lint.returncode == 0, lint.stdout + lint.stderr
    typed = _run([sys.executable, "-m", "mypy", "--strict", "jobs"], app)
    assert typed.returncode == 0, typed.stdout + typed.stderr

    again = _run(
        [
            sys.executable,
            "-m",
            "backfix",
            "scan",
            "--path",
            ".",
            "--codemod",
            "task-sessions",
            "--format",
            "json",
        ],
        app,
    )
    assert again.returncode == 0, again.stdout + again.stderr
