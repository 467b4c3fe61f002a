"""End to end: a small module whose own tests are red because bare excepts swallow interrupts.

The fixture (``fixtures/bare_except_app``) is copied to a temporary folder; its tests run in a
subprocess before and after ``python -m backfix apply bare-except``, exactly as a user would run them.
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

FIXTURE = Path(__file__).parent / "fixtures" / "bare_except_app"
#: red before the fix: the bare excepts swallow KeyboardInterrupt/SystemExit and log nothing.
RED_BEFORE = {
    "test_retry_stops_on_keyboard_interrupt",
    "test_swallowed_failures_are_logged",
    "test_run_all_propagates_system_exit",
    "test_close_quietly_propagates_keyboard_interrupt",
}
#: a guard against a hung subprocess, not a timing assertion.
TIMEOUT = 300


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
    )


def _app_tests(app: Path) -> tuple[int, set[str], str]:
    """Run the app's own tests; return pytest's exit code, the failed test names and the output."""
    result = _run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rf",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(app),
            "check_worker.py",
        ],
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
    target = tmp_path / "app"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("__pycache__"))
    return target


@pytest.mark.slow
def test_apply_turns_the_apps_own_tests_green(app: Path) -> None:
    """Red before (interrupts swallowed), green after, and a second run changes nothing."""
    code, failed, output = _app_tests(app)
    assert code == 1, output
    assert failed == RED_BEFORE, output

    scan = _codemod(app, "scan", "--path", ".", "--codemod", "bare-except", "--format", "json")
    assert scan.returncode == 1, scan.stderr
    found = json.loads(scan.stdout)["violations"]
    assert [(v["path"], v["fixable"]) for v in found] == [("worker.py", True)] * 4

    applied = _codemod(app, "apply", "bare-except", "--path", ".")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    fixed = (app / "worker.py").read_text(encoding="utf-8")
    assert "except:" not in fixed
    assert "except BaseException:" in fixed  # write_atomically re-raises after cleanup

    code, failed, output = _app_tests(app)
    assert (code, failed) == (0, set()), output

    again = _codemod(app, "apply", "bare-except", "--path", ".", "--dry-run")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == ""
    rescan = _codemod(app, "scan", "--path", ".", "--codemod", "bare-except", "--format", "json")
    assert rescan.returncode == 0, rescan.stdout + rescan.stderr
    assert json.loads(rescan.stdout)["violations"] == []
