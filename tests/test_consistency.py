"""Every registered codemod is complete: cases that change and cases that do not, a docs page, an
example, and a docs heading for every manual-review reason id its snapshot cases report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backfix.registry import all_codemods
from backfix.testing import SnapshotCase, discover_cases

ROOT = Path(__file__).resolve().parents[1]
CASES = discover_cases(ROOT / "snapshots")
CODEMODS = sorted(all_codemods())
REASON_ID = re.compile(r"\[manual: ([a-z0-9-]+)\]")


def _cases(codemod_id: str) -> list[SnapshotCase]:
    return [case for case in CASES if case.codemod_id == codemod_id]


def _changes(case: SnapshotCase) -> bool:
    return case.expected_path.exists()


@pytest.mark.parametrize("codemod_id", CODEMODS)
def test_has_a_changing_and_a_noop_case(codemod_id: str) -> None:
    cases = _cases(codemod_id)
    assert any(_changes(case) for case in cases), (
        f"{codemod_id}: no snapshot case that changes code"
    )
    assert any(not _changes(case) for case in cases), (
        f"{codemod_id}: no snapshot case that stays unchanged"
    )


@pytest.mark.parametrize("codemod_id", CODEMODS)
def test_has_docs_and_an_example(codemod_id: str) -> None:
    cls = all_codemods()[codemod_id]
    assert (ROOT / "docs" / f"{codemod_id}.md").is_file(), f"docs/{codemod_id}.md is missing"
    assert cls.EXAMPLE.strip(), f"{codemod_id}: EXAMPLE is empty"
    assert (cls.__doc__ or "").strip(), f"{codemod_id}: the class has no docstring"


@pytest.mark.parametrize("codemod_id", CODEMODS)
def test_every_reported_reason_id_is_documented(codemod_id: str) -> None:
    page = ROOT / "docs" / f"{codemod_id}.md"
    text = page.read_text(encoding="utf-8") if page.is_file() else ""
    if "## Manual-review reasons" not in text:
        pytest.skip(f"docs/{codemod_id}.md has no 'Manual-review reasons' section yet")
    headings = set(re.findall(r"^### ([a-z0-9-]+)\s*$", text, flags=re.MULTILINE))
    reported: dict[str, str] = {}
    for case in _cases(codemod_id):
        if case.diagnostics_path.is_file():
            for reason_id in REASON_ID.findall(case.diagnostics_path.read_text(encoding="utf-8")):
                reported.setdefault(reason_id, case.id)
    missing = {rid: where for rid, where in reported.items() if rid not in headings}
    assert not missing, f"docs/{codemod_id}.md has no '### <reason-id>' heading for: {missing}"
