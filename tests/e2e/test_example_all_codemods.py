"""All three codemods, one after another, on the bundled example app, in a git repository.

The app's own suite must pass after each batch (after async-queries with SQLAlchemy's legacy-API
warnings turned into errors), each batch lands on its own branch, and at the end only the violations
reported for manual review remain.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testkit import copy_app, run, run_app_tests, run_codemod

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "taskboard"


def _git(cwd: Path, *args: str) -> str:
    done = run(cwd, "git", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
def test_three_batches_on_branches_keep_the_app_green(tmp_path: Path) -> None:
    app = copy_app(EXAMPLE, tmp_path / "taskboard", ".backfix")
    _git(app, "init", "-q", "-b", "main")
    _git(app, "config", "user.name", "Example")
    _git(app, "config", "user.email", "example@example.com")
    _git(app, "add", "-A")
    _git(app, "commit", "-qm", "taskboard")
    assert run_app_tests(app).code == 0

    baseline = run_codemod(app, "scan", "--format", "json")
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
        done = run_codemod(app, "apply", codemod_id, *options, "--branch", branch)
        assert done.returncode == 0, done.stderr
        assert _git(app, "status", "--porcelain") == ""  # the user's tree is untouched
        _git(app, "merge", "-q", "--ff-only", branch)
        suite = run_app_tests(app, *suite_flags)
        assert suite.code == 0, f"{codemod_id}:\n{suite.output}"

    final = run_codemod(app, "scan", "--format", "json", "--no-ledger")
    remaining = json.loads(final.stdout)["violations"]
    # Every commit of the example moves now; anything left must say why.
    assert all(not v["fixable"] and v["reason"] for v in remaining)
    assert {v["codemod"] for v in remaining} <= {"move-commits"}
    status = run_codemod(app, "status", "--format", "json")
    assert status.returncode == 0, status.stderr
    progress = json.loads(status.stdout)["codemods"]
    assert progress["bare-except"]["current"] == 0
    assert progress["move-commits"]["current"] == len(remaining)
