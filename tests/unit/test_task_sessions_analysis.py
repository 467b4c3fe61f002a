"""task-sessions' analysis gathers in one walk what separate walks would: the same facts.

The analyzer collects each top-level function's yields, returns and session openers during its own
walk of the module (instead of walking each function's body twice more), and takes the text of
each call from the module's position table (instead of generating its code again). Both must give
exactly what :func:`provider_factory` and ``code_for_node`` give, also when LibCST's internals are
not as the position table assumes (its fallback).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.task_sessions.analyze import analyze_module, provider_factory
from backfix.builtin_codemods.task_sessions.model import Factory
from testkit import repository_sources, write_webapp_corpus

from backfix import cst_positions
from backfix.cst_positions import positions

EDGES = {
    "generator": "def get_db():\n    db = SessionLocal()\n    try:\n        yield db\n    finally:\n"
    "        db.close()\n",
    "with": "async def get_db():\n    async with async_session() as db:\n        yield db\n",
    "returned call": "def get_db():\n    return Session(engine)\n",
    "one line": "def get_db(): return Session(engine)\n",
    "async await": "async def get_db():\n    s = make()\n    await s.start()\n    return s\n",
    "async type": "async def get_db() -> AsyncSession:\n    return make()\n",
    "nested": "def get_db():\n    def inner():\n        db = Other()\n        yield db\n"
    "    return inner()\n",
    "nested opener": "def get_db():\n    db = SessionLocal()\n    def inner():\n        return db\n"
    "    yield db\n",
    "class inside": "def get_db():\n    class A:\n        db = Made()\n    yield db\n",
    "lambda yield": "def get_db():\n    f = lambda: (yield Made())\n    return f\n",
    "redefined": "def get_db():\n    return One()\n\n\ndef get_db():\n    pass\n",
    "redefined twice": "def get_db():\n    return One()\n\n\ndef get_db():\n    return Two()\n",
    "in a block": "if on:\n    def get_db():\n        return One()\nelse:\n    def get_db():\n"
    "        yield Two()\n",
    "method": "class Repo:\n    def get_db(self):\n        return One()\n",
    "decorated": "@contextmanager\ndef get_db():\n    with Session(engine) as s, other() as t:\n"
    "        yield s\n",
    "walrus": "def get_db():\n    if (db := SessionLocal()):\n        yield db\n",
}


def _modules(tmp_path: Path) -> Iterator[tuple[str, cst.Module]]:
    write_webapp_corpus(tmp_path, seed=3, resources=4)
    corpus = {str(p): p.read_text(encoding="utf-8") for p in sorted(tmp_path.rglob("*.py"))}
    edges = {f"edge: {name}": code for name, code in EDGES.items()}
    for name, code in {**edges, **repository_sources(), **corpus}.items():
        try:
            ast.parse(code)
            yield name, cst.parse_module(code)
        except (SyntaxError, cst.ParserSyntaxError):
            continue


def _top_level_functions(module: cst.Module) -> Iterator[cst.FunctionDef]:
    """The functions the analyzer visits outside any class or function, in order."""

    class Finder(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: list[cst.FunctionDef] = []

        def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
            self.found.append(node)
            return False

        def visit_ClassDef(self, node: cst.ClassDef) -> bool:
            return False

    finder = Finder()
    module.visit(finder)
    return iter(finder.found)


def _providers(module: cst.Module) -> dict[str, Factory]:
    """What the analyzer found with a separate walk of each function (its former way)."""
    found: dict[str, Factory] = {}
    for node in _top_level_functions(module):
        factory = provider_factory(node, module)
        if factory is not None:
            found[node.name.value] = factory
    return found


def test_one_walk_finds_the_factories_separate_walks_find(tmp_path: Path) -> None:
    compared = 0
    for name, module in _modules(tmp_path):
        providers = analyze_module(module).providers
        assert providers == _providers(module), name
        compared += len(providers)
    assert compared > 20


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("with", ("async_session()", True)),
        ("async await", ("make()", True)),
        ("async type", ("make()", True)),
        ("nested", ("inner()", False)),
        ("nested opener", ("SessionLocal()", False)),
        ("class inside", ("Made()", False)),
        ("redefined", ("One()", False)),
        ("redefined twice", ("Two()", False)),
        ("in a block", ("Two()", False)),
        ("walrus", None),
    ],
)
def test_factories_of_edge_cases(name: str, expected: tuple[str, bool] | None) -> None:
    factory = analyze_module(cst.parse_module(EDGES[name])).providers.get("get_db")
    found = (factory.code, factory.is_async) if factory is not None else None
    assert found == expected


def test_call_texts_from_positions_are_their_code_on_one_line(tmp_path: Path) -> None:
    calls = 0
    for name, module in _modules(tmp_path):
        table = positions(module)
        for node in _calls(module):
            text = " ".join(table.text(node).split())
            assert text == " ".join(module.code_for_node(node).split()), name
            calls += 1
    assert calls > 500


def test_the_analysis_is_the_same_without_the_position_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When LibCST's internals differ, positions and texts come from LibCST's own API."""
    modules = list(_modules(tmp_path))
    fast = [analyze_module(module) for _, module in modules]
    monkeypatch.setattr(cst_positions, "exact", lambda: False)
    # fresh trees: the position table of the last module is kept
    slow = [analyze_module(cst.parse_module(module.code)) for _, module in modules]
    assert fast == slow


def _calls(module: cst.Module) -> list[cst.Call]:
    class Calls(cst.CSTVisitor):
        def __init__(self) -> None:
            self.found: list[cst.Call] = []

        def visit_Call(self, node: cst.Call) -> None:
            self.found.append(node)

    visitor = Calls()
    module.visit(visitor)
    return visitor.found
