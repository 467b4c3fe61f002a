"""task-sessions' analyzer is walked without tokens (``cst_metadata.visit(..., tokens=False)``): its
facts are those of LibCST's own visit with the full parent table.

Compared over every snapshot input, the e2e applications, two generated web-app corpora and
hand-written edge cases.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.task_sessions.analyze import Analyzer, analyze_module
from testkit import repository_sources, webapp_sources

from backfix import cst_metadata
from backfix.cst_walk import walk

EDGES = {
    "hand-offs": (
        "import asyncio, threading\nfrom fastapi import APIRouter, BackgroundTasks, Depends\n"
        "from app.db import get_db\nrouter = APIRouter()\n\n"
        "def work(db, n):\n    db.query(n).all()\n\n"
        "@router.post('/a')\nasync def a(tasks: BackgroundTasks, db=Depends(get_db)):\n"
        "    tasks.add_task(work, db, 1)\n    if db:\n        t = threading.Thread(target=work,"
        " args=(db, 2))\n        t.start()\n    else:\n        asyncio.create_task(run(db))\n"
        "    for i in range(3):\n        tasks.add_task(work, db=db, n=i)  # a comment\n"
        "    db.rollback()\n    return (\n        db\n    )\n"
    ),
}


def _reference(module: cst.Module) -> object:
    analyzer = Analyzer(module)
    cst_metadata.visit(module, analyzer)  # LibCST's visit, tokens and the full parent table
    return analyzer.result()


def _differences(sources: dict[str, str]) -> list[str]:
    differ: list[str] = []
    for name, code in sources.items():
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        if analyze_module(module) != _reference(module):
            differ.append(name)
    return differ


def test_edge_cases_find_the_same() -> None:
    assert _differences(EDGES) == []


def test_edge_cases_find_something() -> None:
    # The comparison above means something only when the analyzer finds hand-offs in them.
    facts = analyze_module(cst.parse_module(EDGES["hand-offs"]))
    assert len(facts.hand_offs) >= 3


def test_repository_sources_find_the_same() -> None:
    assert _differences(repository_sources()) == []


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus_finds_the_same(tmp_path: Path, seed: int, resources: int) -> None:
    sources = webapp_sources(tmp_path, seed, resources)
    assert _differences(sources) == []


def test_a_visitor_that_looks_at_tokens_is_refused() -> None:
    class Commas(cst.CSTVisitor):
        def visit_Comma(self, node: cst.Comma) -> None:
            raise AssertionError("walk() never calls this")

    module = cst.parse_module("f(a, b)\n")
    with pytest.raises(TypeError):
        cst_metadata.visit(module, Commas(), tokens=False)
    with pytest.raises(TypeError):
        walk(module, Commas())
