"""End to end: a FastAPI app whose import crashes when a client's setting is unset.

``lazy_clients_app/project`` builds ``httpx.Client(base_url=os.environ["PAYMENTS_URL"])`` at
import time, and a route module imports it. The app's own tests import the app without
``PAYMENTS_URL``: red before (the import raises KeyError), green after ``codemod apply
lazy-clients`` (the app imports, ``/health`` works, the payments route needs the setting only when
called and works when it is set). The rewritten app stays ruff- and mypy-clean.
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

FIXTURE = Path(__file__).parent / "lazy_clients_app"
RED_BEFORE = {
    "test_imports_and_serves_health_without_payments_url",
    "test_provider_needs_payments_url_only_when_called",
}
PYTEST = [sys.executable, "-m", "pytest", "-q", "-rf", "-p", "no:cacheprovider"]
#: a guard against a hung subprocess, not a timing assertion.
TIMEOUT = 300


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    env.pop("PAYMENTS_URL", None)
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _app_tests(app: Path) -> tuple[int, set[str], str]:
    """Run the app's own tests; return pytest's exit code, the failed test names and the output."""
    result = _run(
        [*PYTEST, "--rootdir", str(app), "tests"],
        app,
    )
    output = result.stdout + result.stderr
    failed = set(re.findall(r"^FAILED \S+::(\w+)", output, flags=re.MULTILINE))
    return result.returncode, failed, output


def _codemod(app: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "-m", "backfix", *args], app)


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A private copy of the fixture application, outside any git repository."""
    target = tmp_path / "project"
    shutil.copytree(FIXTURE / "project", target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.slow
def test_apply_makes_the_app_import_without_the_setting(app: Path) -> None:
    """Red before (import crashes), green after, clean for ruff and mypy, and idempotent."""
    code, failed, output = _app_tests(app)
    assert code == 1, output
    assert failed == RED_BEFORE, output

    scan = _codemod(app, "scan", "--path", ".", "--codemod", "lazy-clients", "--format", "json")
    assert scan.returncode == 1, scan.stderr
    found = json.loads(scan.stdout)["violations"]
    assert [(v["path"], v["line"], v["fixable"]) for v in found] == [
        ("billing/clients.py", 10, True)
    ]

    applied = _codemod(app, "apply", "lazy-clients", "--path", ".")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    clients = (app / "billing" / "clients.py").read_text()
    assert "@functools.cache\ndef get_payments() -> httpx.Client:\n" in clients
    routes = (app / "billing" / "routes" / "payments.py").read_text()
    assert "from billing.clients import get_payments\n" in routes
    assert "clients.get_payments().timeout.read" in routes

    code, failed, output = _app_tests(app)
    assert code == 0, output
    assert not failed

    config = str(FIXTURE / "ruff.toml")
    for check in (["check"], ["format", "--check"]):
        ruff = _run(
            [sys.executable, "-m", "ruff", *check, "--no-cache", "--config", config, "."], app
        )
        assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    mypy = _run([sys.executable, "-m", "mypy", "--strict", "billing"], app)
    assert mypy.returncode == 0, mypy.stdout + mypy.stderr

    again = _codemod(app, "apply", "lazy-clients", "--path", ".", "--dry-run")
    assert again.returncode == 0, again.stderr
    assert "---" not in again.stdout
