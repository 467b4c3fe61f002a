"""All three codemods, one after another, on the bundled example app, in a git repository.

The app's own suite must pass after each batch (after async-queries with SQLAlchemy's legacy-API
warnings turned into errors), each batch lands on its own branch, and at the end only the violations
reported for manual review remain.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "taskboard"


def _env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*args], cwd=cwd, env=_env(), capture_output=True, text=True, timeout=300)


def _codemod(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return _run(cwd, sys.executable, "-m", "backfix", *args)


def _suite(cwd: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return _run(cwd, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *extra)


def _git(cwd: Path, *args: str) -> str:
    done = _run(cwd, "git", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_three_batches_on_branches_keep_the_app_green(tmp_path: Path) -> None:
    app = tmp_path / "taskboard"
    shutil.copytree(EXAMPLE, app, ignore=shutil.ignore_patterns("__pycache__", ".backfix"))
    _git(app, "init", "-q", "-b", "main")
    _git(app, "config", "user.name", "Example")
    _git(app, "config", "user.email", "example@example.com")
    _git(app, "add", "-A")
    _git(app, "commit", "-qm", "taskboard")
    assert _suite(app).returncode == 0

    baseline = _codemod(app, "scan", "--format", "json")
    assert baseline.returncode == 1
    totals = json.loads(baseline.stdout)["totals"]
    assert totals["async-queries"] > 0 and totals["bare-except"] > 0 and totals["move-commits"] > 0
    _git(app, "add", "-A")
    _git(app, "commit", "-qm", "backfix baseline")

    batches = [
        ("async-queries", ["--mode", "sync"], ["-W", "error::sqlalchemy.exc.LegacyAPIWarning"]),
        ("move-commits", ["--path", "app/routes"], []),
        ("bare-except", [], []),
    ]
    for codemod_id, options, suite_flags in batches:
        branch = f"fix/{codemod_id}"
        done = _codemod(app, "apply", codemod_id, *options, "--branch", branch)
        assert done.returncode == 0, done.stderr
        assert _git(app, "status", "--porcelain") == ""  # the user's tree is untouched
        _git(app, "merge", "-q", "--ff-only", branch)
        suite = _suite(app, *suite_flags)
        assert suite.returncode == 0, f"{codemod_id}:\n{suite.stdout}\n{suite.stderr}"

    final = _codemod(app, "scan", "--format", "json", "--no-ledger")
    remaining = json.loads(final.stdout)["violations"]
    # Every commit of the example moves now; anything left must say why.
    assert all(not v["fixable"] and v["reason"] for v in remaining)
    assert {v["codemod"] for v in remaining} <= {"move-commits"}
    status = _codemod(app, "status", "--format", "json")
    assert status.returncode == 0, status.stderr
    progress = json.loads(status.stdout)["codemods"]
    assert progress["bare-except"]["current"] == 0
    assert progress["move-commits"]["current"] == len(remaining)
