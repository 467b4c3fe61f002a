"""End to end: a small module whose own tests are red because bare excepts swallow interrupts.

The fixture (``fixtures/bare_except_app``) is copied to a temporary folder; its tests run in a
subprocess before and after ``python -m backfix apply bare-except``, exactly as a user would run them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testkit import copy_app, run_app_tests, run_codemod

FIXTURE = Path(__file__).parent / "fixtures" / "bare_except_app"
#: red before the fix: the bare excepts swallow KeyboardInterrupt/SystemExit and log nothing.
RED_BEFORE = {
    "test_retry_stops_on_keyboard_interrupt",
    "test_swallowed_failures_are_logged",
    "test_run_all_propagates_system_exit",
    "test_close_quietly_propagates_keyboard_interrupt",
}


@pytest.fixture
def app(tmp_path: Path) -> Path:
    """A private copy of the fixture application, outside any git repository."""
    return copy_app(FIXTURE, tmp_path / "app")


@pytest.mark.slow
def test_apply_turns_the_apps_own_tests_green(app: Path) -> None:
    """Red before (interrupts swallowed), green after, and a second run changes nothing."""
    before = run_app_tests(app, "--rootdir", str(app), "check_worker.py")
    assert before.code == 1, before.output
    assert before.failed == RED_BEFORE, before.output

    scan = run_codemod(app, "scan", "--path", ".", "--codemod", "bare-except", "--format", "json")
    assert scan.returncode == 1, scan.stderr
    found = json.loads(scan.stdout)["violations"]
    assert [(v["path"], v["fixable"]) for v in found] == [("worker.py", True)] * 4

    applied = run_codemod(app, "apply", "bare-except", "--path", ".")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    fixed = (app / "worker.py").read_text(encoding="utf-8")
    assert "except:" not in fixed
    assert "except BaseException:" in fixed  # write_atomically re-raises after cleanup

    after = run_app_tests(app, "--rootdir", str(app), "check_worker.py")
    assert (after.code, after.failed) == (0, set()), after.output

    again = run_codemod(app, "apply", "bare-except", "--path", ".", "--dry-run")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == ""
    rescan = run_codemod(app, "scan", "--path", ".", "--codemod", "bare-except", "--format", "json")
    assert rescan.returncode == 0, rescan.stdout + rescan.stderr
    assert json.loads(rescan.stdout)["violations"] == []
