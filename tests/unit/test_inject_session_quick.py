"""inject-session's ``ast`` pre-check (quick.py) errs towards yes: where it says a file holds no
singleton, the LibCST analysis finds none.

Checked over every snapshot input, the e2e applications, two generated web-app corpora and
hand-written edge cases.
"""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.inject_session.analyze import analyze_module
from backfix.builtin_codemods.inject_session.quick import may_hold_singleton
from testkit import repository_sources, webapp_sources

SERVICE = "class S:\n    def run(self):\n        return self.db.query(1)\n\n"
EDGES = {
    "plain": SERVICE + "s = S()\n",
    "parenthesised": SERVICE + "(s) = ((S)(1))\n",
    "one line": SERVICE + "s = S(); t = 1\n",
    "wide name": SERVICE + "s = \uff33()\n",
    "chained": SERVICE + "s = t = S()\n",
    "annotated": SERVICE + "s: S = S()\n",
    "nested": SERVICE + "if True:\n    s = S()\n",
    "imported class": "from app.s import S\n\ns = S()\n",
    "no instance": SERVICE,
}


def _misses(sources: dict[str, str]) -> tuple[list[str], int]:
    """The files the pre-check rules out but the analysis finds a singleton in; how many it
    ruled out."""
    missed: list[str] = []
    ruled_out = 0
    for name, code in sources.items():
        try:
            tree = ast.parse(code)
            module = cst.parse_module(code)
        except (SyntaxError, cst.ParserSyntaxError):
            continue
        if may_hold_singleton(tree):
            continue
        ruled_out += 1
        if analyze_module(module).singletons:
            missed.append(name)
    return missed, ruled_out


def test_edge_cases() -> None:
    assert _misses(EDGES) == ([], 5)
    assert analyze_module(cst.parse_module(EDGES["plain"])).singletons


def test_repository_sources() -> None:
    missed, ruled_out = _misses(repository_sources())
    assert missed == []
    assert ruled_out > 100


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus(tmp_path: Path, seed: int, resources: int) -> None:
    sources = webapp_sources(tmp_path, seed, resources)
    missed, ruled_out = _misses(sources)
    assert missed == [] and ruled_out > 0
