"""async-queries' manual-review reasons: every one has a stable id, and every id is documented."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from backfix.builtin_codemods.async_queries import AsyncQueries
from backfix.builtin_codemods.async_queries import reasons as R

from backfix.discovery import Workspace
from backfix.runner import CodemodSpec, RunOptions, run

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "async-queries.md"
CASES = ROOT / "snapshots" / "async-queries"


def _documented() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("\n## Manual-review reasons\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^### (\S+)$", section, re.MULTILINE)


def test_every_reason_id_is_kebab_case_and_unique() -> None:
    assert len(set(R.ALL)) == len(R.ALL)
    for reason_id in R.ALL:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", reason_id), reason_id


def test_every_reason_id_has_a_docs_heading_and_nothing_else_does() -> None:
    assert sorted(_documented()) == sorted(R.ALL)


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_every_manual_violation_of_the_snapshot_cases_has_a_documented_id(
    tmp_path: Path, mode: str
) -> None:
    """All the cases' inputs as one project: each manual finding names a reason id of the docs."""
    for case in sorted(CASES.iterdir()):
        if (case / "input").is_dir():
            shutil.copytree(case / "input", tmp_path / case.name)
        elif (case / "input.py").is_file():
            (tmp_path / case.name).mkdir()
            shutil.copy(case / "input.py", tmp_path / case.name / "input.py")
    spec = CodemodSpec(AsyncQueries, "async-queries", (("mode", mode),))
    options = RunOptions(specs=[spec], paths=[tmp_path], jobs=2, config={"format": False})
    result = run(Workspace(root=tmp_path), options)
    manual = [v for v in result.violations if not v.fixable]
    assert manual  # the corpus has manual cases in both modes
    assert {v.reason_id for v in manual} <= set(R.ALL), [
        (v.path, v.line, v.reason) for v in manual if v.reason_id not in R.ALL
    ]
    assert all(v.reason for v in manual)
    assert not [v for v in result.violations if v.fixable and v.reason_id]
