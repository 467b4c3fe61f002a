"""End to end: a FastAPI app whose export service is a module-level singleton with ``self.db = None``.

The app (``inject_session_app``) is copied to a temporary folder; its own tests call the endpoints that
use the singleton. Before ``codemod apply inject-session`` they fail with ``'NoneType' object has no
attribute 'query'``; afterwards they pass, the rewritten app is ruff and mypy --strict clean, and a
second apply changes nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

APP = Path(__file__).parent / "inject_session_app"
#: a guard against a hung subprocess, not a timing assertion.
TIMEOUT = 300


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _app_tests(app: Path) -> subprocess.CompletedProcess[str]:
    for leftover in app.glob("*.db"):
        leftover.unlink()
    return _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "check_app.py"],
        app,
    )


def _codemod(app: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "backfix", *args], app)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A private copy of the app, outside any git repository."""
    target = tmp_path / "app"
    shutil.copytree(APP, target, ignore=shutil.ignore_patterns("__pycache__", "*.db", "ruff.toml"))
    return target


@pytest.mark.slow
def test_apply_makes_the_singleton_endpoints_work(app: Path) -> None:
    """Red before (the singleton has no session), green after, clean, and idempotent."""
    before = _app_tests(app)
    assert before.returncode == 1, before.stdout + before.stderr
    assert "'NoneType' object has no attribute 'query'" in before.stdout
    assert "2 failed" in before.stdout

    scan = _codemod(app, "scan", "--no-ledger", "--codemod", "inject-session", "--format", "json")
    assert scan.returncode == 1, scan.stderr
    found = json.loads(scan.stdout)["violations"]
    assert [(v["path"], v["fixable"]) for v in found] == [("app/services/export.py", True)]

    applied = _codemod(app, "apply", "inject-session", "--no-ledger")
    assert applied.returncode == 0, applied.stderr
    routes = (app / "app" / "api" / "routes.py").read_text()
    assert "def export_jobs(db: Session = Depends(get_db))" in routes
    assert "ExportService(db).open_jobs()" in routes
    service = (app / "app" / "services" / "export.py").read_text()
    assert "def __init__(self, db: Session) -> None:" in service
    assert "export_service = ExportService()" not in service

    after = _app_tests(app)
    assert after.returncode == 0, after.stdout + after.stderr
    assert "2 passed" in after.stdout

    lint = _run([sys.executable, "-m", "ruff", "check", "app"], app)
    assert lint.returncode == 0, lint.stdout
    types = _run([sys.executable, "-m", "mypy", "--strict", "app"], app)
    assert types.returncode == 0, types.stdout

    again = _codemod(app, "apply", "inject-session", "--no-ledger")
    assert again.returncode == 0, again.stderr
    assert "0 violation(s) fixed" in again.stderr
