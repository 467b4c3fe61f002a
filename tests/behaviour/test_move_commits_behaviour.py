"""Routes keep their behaviour after ``move-commits``: same responses, same database rows.

``mc_data/`` is a small Flask app whose routes hold the data-flow cases that are easy to get wrong:
the loop variables of an earlier loop that may not run, a name bound in a sibling ``if`` branch, a
name assigned on every path (``if``/``else``, ``try``/``except``); and (``checks.py``) the patterns
that used to stay manual: a commit after an ``if`` whose other branch answers the request, an early
exit between the writes and the commit, a commit whose writes are the ``if`` test around it,
``try``/``commit``/``except IntegrityError``, and a read on some paths only. A driver sends the same requests,
including the paths where a loop does not run and the other branch is taken, to a copy of the app
before and after the move, each on a fresh SQLite database, and both runs must agree.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from backfix.discovery import Workspace
from backfix.registry import get_codemod
from backfix.runner import CodemodSpec, RunOptions, run
from backfix.sinks import write_in_place

DATA = Path(__file__).parent / "mc_data"
MoveCommits = get_codemod("move-commits")


def _drive(app: Path, tag: str) -> dict[str, Any]:
    database = f"sqlite:///{app / (tag + '.db')}"
    result = subprocess.run(
        [sys.executable, "drive.py", database],
        cwd=app,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


@pytest.mark.slow
def test_data_flow_cases_behave_the_same_after_the_move(tmp_path: Path) -> None:
    app = tmp_path / "app_copy"
    shutil.copytree(DATA, app, ignore=shutil.ignore_patterns("__pycache__", "*.db"))
    before = _drive(app, "before")

    spec = CodemodSpec(MoveCommits, "move-commits", ())
    result = run(
        Workspace(root=app),
        RunOptions(specs=[spec], paths=[app / "app" / "routes"], apply=True, jobs=1),
    )
    assert not result.errors, result.errors
    assert [v.to_json() for v in result.violations if not v.fixable] == []
    write_in_place([result.changes])
    for module in ("entries.py", "checks.py"):
        routes = (app / "app" / "routes" / module).read_text()
        assert "db.session.commit()" not in routes, module

    after = _drive(app, "after")
    assert after["responses"] == before["responses"]
    assert after["rows"] == before["rows"]
    # The loop that does not run and the other branch were exercised.
    assert [200, {"count": 0}] in [r[1:] for r in before["responses"]]
    assert any(r[1] == 409 for r in before["responses"])
    # Both sides of every early exit, the duplicate and the loop that does not run.
    statuses = {(r[0], r[1]) for r in before["responses"]}
    assert {("/checks/1/priority", 200), ("/checks/1/priority", 400)} <= statuses
    assert {("/checks/1/rename", 200), ("/checks/1/rename", 400)} <= statuses
    assert {("/checks/2/archive?dry_run=1", 409), ("/checks/2/archive", 200)} <= statuses
    assert {("/checks/solves/7", 201), ("/checks/solves/7", 409)} <= statuses
    bumps = [r[2]["message"] for r in before["responses"] if r[0] == "/checks/3/bump"]
    assert bumps == ["bumped", "at the top already"]
    assert [200, {"count": 0}] in [r[1:] for r in before["responses"]]
