"""End to end: a FastAPI app whose export service is a module-level singleton with ``self.db = None``.

The app (``inject_session_app``) is copied to a temporary folder; its own tests call the endpoints that
use the singleton. Before ``codemod apply inject-session`` they fail with ``'NoneType' object has no
attribute 'query'``; afterwards they pass, the rewritten app is ruff and mypy --strict clean, and a
second apply changes nothing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from testkit import AppTests, copy_app, run, run_app_tests, run_codemod

APP = Path(__file__).parent / "inject_session_app"


def _app_tests(app: Path) -> AppTests:
    for leftover in app.glob("*.db"):
        leftover.unlink()
    return run_app_tests(app, "check_app.py")


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A private copy of the app, outside any git repository."""
    return copy_app(APP, tmp_path / "app", "*.db", "ruff.toml")


@pytest.mark.slow
def test_apply_makes_the_singleton_endpoints_work(app: Path) -> None:
    """Red before (the singleton has no session), green after, clean, and idempotent."""
    before = _app_tests(app)
    assert before.code == 1, before.output
    assert "'NoneType' object has no attribute 'query'" in before.output
    assert "2 failed" in before.output

    scan = run_codemod(
        app, "scan", "--no-ledger", "--codemod", "inject-session", "--format", "json"
    )
    assert scan.returncode == 1, scan.stderr
    found = json.loads(scan.stdout)["violations"]
    assert [(v["path"], v["fixable"]) for v in found] == [("app/services/export.py", True)]

    applied = run_codemod(app, "apply", "inject-session", "--no-ledger")
    assert applied.returncode == 0, applied.stderr
    routes = (app / "app" / "api" / "routes.py").read_text()
    assert "def export_jobs(db: Session = Depends(get_db))" in routes
    assert "ExportService(db).open_jobs()" in routes
    service = (app / "app" / "services" / "export.py").read_text()
    assert "def __init__(self, db: Session) -> None:" in service
    assert "export_service = ExportService()" not in service

    after = _app_tests(app)
    assert after.code == 0, after.output
    assert "2 passed" in after.output

    lint = run(app, sys.executable, "-m", "ruff", "check", "app")
    assert lint.returncode == 0, lint.stdout
    types = run(app, sys.executable, "-m", "mypy", "--strict", "app")
    assert types.returncode == 0, types.stdout

    again = run_codemod(app, "apply", "inject-session", "--no-ledger")
    assert again.returncode == 0, again.stderr
    assert "0 violation(s) fixed" in again.stderr
