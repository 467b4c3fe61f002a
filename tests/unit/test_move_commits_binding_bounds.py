"""move-commits finds the bindings that come after the moved code (for the return type of a service
method) from where its last statement starts (``output.END_FROM_START``), without generating its
code to find where it ends: every binding of every unit's route is placed the same both ways, and
the facts are the same, over every snapshot input, the e2e applications and generated web-app
corpora."""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits import output
from backfix.builtin_codemods.move_commits.analyze import Analyzer
from backfix.builtin_codemods.move_commits.frameworks import DEFAULT_SESSION_NAMES
from libcst.metadata import Assignment
from testkit import facts_both_ways, repository_sources, webapp_sources

SWITCH = "END_FROM_START"


def _placed(code: str, *, from_start: bool) -> list[bool]:
    """For every unit of ``code`` (as a route module) and every binding of its route's scope:
    whether it comes after the unit's last statement."""
    try:
        tree = ast.parse(code)
        module = cst.parse_module(code)
    except (SyntaxError, cst.ParserSyntaxError):
        return []
    analyzer = Analyzer(module, "app/routes/r.py", DEFAULT_SESSION_NAMES, True, tree, code)
    analyzer.run()
    found: list[bool] = []
    default = output.END_FROM_START
    output.END_FROM_START = from_start
    try:
        for unit in analyzer.units:
            scope = analyzer.index.scope_of(unit.block.body[unit.start])
            if scope is None:
                continue
            after = output._after(analyzer, unit.block.body[unit.end])
            found.extend(
                after(assignment.node)
                for assignment in scope.assignments
                if isinstance(assignment, Assignment)
            )
    finally:
        output.END_FROM_START = default
    return found


def _differ(sources: dict[str, str]) -> list[str]:
    return [
        name
        for name, code in sources.items()
        if _placed(code, from_start=True) != _placed(code, from_start=False)
    ]


def test_repository_sources_place_bindings_the_same() -> None:
    sources = repository_sources()
    assert _differ(sources) == []
    # (the comparison means something: bindings on both sides of the moved code)
    placed = [p for code in sources.values() for p in _placed(code, from_start=True)]
    assert True in placed and False in placed


def test_repository_sources_give_the_same_facts() -> None:
    assert facts_both_ways(repository_sources(), output, SWITCH) == []


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus_gives_the_same_facts(tmp_path: Path, seed: int, resources: int) -> None:
    sources = webapp_sources(tmp_path, seed=seed, resources=resources)
    assert _differ(sources) == []
    assert facts_both_ways(sources, output, SWITCH) == []
