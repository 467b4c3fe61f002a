"""End to end on the bundled example app (examples/taskboard), as a user runs it.

The app's own test suite must pass before and after ``codemod apply bare-except``; scan, dry run and
apply must agree on what a violation is; and the fix must change behaviour exactly where intended:
an interrupt during a bulk import stops being swallowed.
"""

from __future__ import annotations

import ast
import json
import sys
from pathlib import Path

import pytest
from testkit import copy_app, run, run_app_tests, run_codemod

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "taskboard"

#: Runs inside the copied app: feeds the importer a row whose lookup is interrupted (Ctrl-C).
INTERRUPT_PROBE = """
from app.importing import parse_rows

class InterruptedRow(dict):
    def __getitem__(self, key):
        raise KeyboardInterrupt

try:
    parse_rows([InterruptedRow()])
except KeyboardInterrupt:
    print("propagated")
else:
    print("swallowed")
"""


def _bare_excepts(root: Path) -> dict[str, int]:
    """Bare handlers per file under ``root/app``, counted with the stdlib parser (the oracle)."""
    counts: dict[str, int] = {}
    for path in sorted((root / "app").rglob("*.py")):
        tree = ast.parse(path.read_bytes())
        found = sum(
            1
            for node in ast.walk(tree)
            if isinstance(node, ast.ExceptHandler) and node.type is None
        )
        if found:
            counts[path.relative_to(root).as_posix()] = found
    return counts


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


@pytest.fixture
def app_copy(tmp_path: Path) -> Path:
    """A fresh copy of the example, outside any git repository."""
    return copy_app(EXAMPLE, tmp_path / "taskboard", ".pytest_cache", "instance")


@pytest.mark.slow
def test_example_app_stays_green_through_the_bare_except_fix(app_copy: Path) -> None:
    before = run_app_tests(app_copy)
    assert before.code == 0, before.output

    expected = _bare_excepts(app_copy)
    assert sum(expected.values()) >= 3, "the example must keep its bare-except defects"

    scan = run_codemod(app_copy, "scan", "--format", "json")
    assert scan.returncode == 1, scan.stderr
    report = json.loads(scan.stdout)
    assert report["errors"] == []
    totals = report["totals"]
    assert totals["bare-except"] == sum(expected.values())
    for codemod_id, count in totals.items():
        assert count == sum(1 for v in report["violations"] if v["codemod"] == codemod_id)
    bare = [v for v in report["violations"] if v["codemod"] == "bare-except"]
    assert all(v["fixable"] for v in bare)
    found: dict[str, int] = {}
    for violation in bare:
        found[violation["path"]] = found.get(violation["path"], 0) + 1
    # Paths are relative to the project; tests/ is excluded by the example's [tool.backfix].
    assert found == expected
    assert not any(v["path"].startswith("tests/") for v in report["violations"])

    untouched = _snapshot(app_copy)
    dry = run_codemod(app_copy, "apply", "bare-except", "--dry-run")
    assert dry.returncode == 1, dry.stderr
    for path in expected:
        assert f"--- a/{path}\n+++ b/{path}\n" in dry.stdout
    assert _snapshot(app_copy) == untouched

    assert run(app_copy, sys.executable, "-c", INTERRUPT_PROBE).stdout.strip() == "swallowed"

    applied = run_codemod(app_copy, "apply", "bare-except")
    assert applied.returncode == 0, applied.stderr
    assert _bare_excepts(app_copy) == {}
    changed = {p for p, raw in _snapshot(app_copy).items() if raw != untouched[p]}
    assert changed == set(expected)
    projects = (app_copy / "app/routes/projects.py").read_text(encoding="utf-8")
    assert "    except BaseException:\n        db.session.rollback()\n        raise\n" in projects
    comments = (app_copy / "app/routes/comments.py").read_text(encoding="utf-8")
    assert 'log.exception("Suppressed exception")' in comments  # the module's own logger
    assert "pass  # a failed notification must not fail the request" in comments

    after = run_app_tests(app_copy)
    assert after.code == 0, after.output
    assert run(app_copy, sys.executable, "-c", INTERRUPT_PROBE).stdout.strip() == "propagated"

    again = run_codemod(app_copy, "apply", "bare-except", "--dry-run")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == ""
    rescan = run_codemod(app_copy, "scan", "--codemod", "bare-except", "--format", "json")
    assert rescan.returncode == 0, rescan.stdout + rescan.stderr
    assert json.loads(rescan.stdout)["totals"] == {"bare-except": 0}
