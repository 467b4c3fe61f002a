"""End to end: real Flask and FastAPI apps keep passing their own tests after ``move-commits``.

Each fixture app under ``tests/e2e/apps/`` is copied to a temporary folder; its test suite runs
(green), ``codemod apply move-commits --path <routes>`` rewrites it, a scan must then show only
violations left for manual review, the same tests run again (green), and a second apply changes
nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from testkit import copy_app, run_app_tests, run_codemod

APPS = Path(__file__).resolve().parent / "apps"


@dataclass(frozen=True)
class AppCase:
    """One fixture app, the route folder to work on, and the counts it must produce."""

    name: str
    routes: str
    found: int
    moved: int
    manual: int


CASES = [
    AppCase("flask_jobs", "app/routes", found=12, moved=11, manual=1),
    AppCase("fastapi_shop", "shop/routers", found=7, moved=7, manual=0),
    AppCase("flask_patterns", "app/routes", found=12, moved=12, manual=0),
]


def _scan(app: Path, routes: str) -> list[dict[str, object]]:
    result = run_codemod(
        app, "scan", "--path", routes, "--codemod", "move-commits", "--format", "json"
    )
    assert result.returncode in (0, 1), result.stderr
    document = json.loads(result.stdout)
    assert document["errors"] == []
    violations: list[dict[str, object]] = document["violations"]
    return violations


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_app_tests_pass_before_and_after(case: AppCase, tmp_path: Path) -> None:
    """Every safely movable commit moves; the app's own tests pass before and after."""
    app = copy_app(APPS / case.name, tmp_path / case.name)

    before_tests = run_app_tests(app)
    assert before_tests.code == 0, before_tests.output

    before = _scan(app, case.routes)
    assert len(before) == case.found
    assert sum(1 for v in before if v["fixable"]) == case.moved

    applied = run_codemod(app, "apply", "move-commits", "--path", case.routes)
    assert applied.returncode == 0, applied.stdout + applied.stderr

    after = _scan(app, case.routes)
    assert len(after) == case.manual
    assert all(not v["fixable"] and v.get("reason") for v in after)
    print(
        f"{case.name}: {case.found} commits found, {case.found - len(after)} moved, "
        f"{len(after)} left for manual review: "
        + "; ".join(f"{v['path']}:{v['line']} {v['reason']}" for v in after)
    )

    after_tests = run_app_tests(app)
    assert after_tests.code == 0, after_tests.output

    again = run_codemod(app, "apply", "move-commits", "--path", case.routes, "--dry-run")
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout == ""
