"""End to end: a FastAPI app whose import crashes when a client's setting is unset.

``lazy_clients_app/project`` builds ``httpx.Client(base_url=os.environ["PAYMENTS_URL"])`` at
import time, and a route module imports it. The app's own tests import the app without
``PAYMENTS_URL``: red before (the import raises KeyError), green after ``codemod apply
lazy-clients`` (the app imports, ``/health`` works, the payments route needs the setting only when
called and works when it is set). The rewritten app stays ruff- and mypy-clean.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from testkit import copy_app, run, run_app_tests, run_codemod

FIXTURE = Path(__file__).parent / "lazy_clients_app"
RED_BEFORE = {
    "test_imports_and_serves_health_without_payments_url",
    "test_provider_needs_payments_url_only_when_called",
}
#: the app's own tests run without the client's setting.
UNSET = ("PAYMENTS_URL",)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A private copy of the fixture application, outside any git repository."""
    return copy_app(FIXTURE / "project", tmp_path / "project")


@pytest.mark.slow
def test_apply_makes_the_app_import_without_the_setting(app: Path) -> None:
    """Red before (import crashes), green after, clean for ruff and mypy, and idempotent."""
    before = run_app_tests(app, "--rootdir", str(app), "tests", drop=UNSET)
    assert before.code == 1, before.output
    assert before.failed == RED_BEFORE, before.output

    scan = run_codemod(app, "scan", "--path", ".", "--codemod", "lazy-clients", "--format", "json")
    assert scan.returncode == 1, scan.stderr
    found = json.loads(scan.stdout)["violations"]
    assert [(v["path"], v["line"], v["fixable"]) for v in found] == [
        ("billing/clients.py", 10, True)
    ]

    applied = run_codemod(app, "apply", "lazy-clients", "--path", ".")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    clients = (app / "billing" / "clients.py").read_text()
    assert "@functools.cache\ndef get_payments() -> httpx.Client:\n" in clients
    routes = (app / "billing" / "routes" / "payments.py").read_text()
    assert "from billing.clients import get_payments\n" in routes
    assert "clients.get_payments().timeout.read" in routes

    after = run_app_tests(app, "--rootdir", str(app), "tests", drop=UNSET)
    assert after.code == 0, after.output
    assert not after.failed

    config = str(FIXTURE / "ruff.toml")
    for check in (["check"], ["format", "--check"]):
        ruff = run(app, sys.executable, "-m", "ruff", *check, "--no-cache", "--config", config, ".")
        assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = run(app, sys.executable, "-m", "mypy", "--strict", "billing")
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr

    again = run_codemod(app, "apply", "lazy-clients", "--path", ".", "--dry-run")
    assert again.returncode == 0, again.stderr
    assert "---" not in again.stdout
