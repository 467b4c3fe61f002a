"""lazy-clients reads scopes, parents and positions from the engine's cheaper equivalents of
LibCST's metadata providers (``backfix.cst_metadata``): the facts must be those LibCST's own
``MetadataWrapper`` gives, and the same whether the file's scan or its plan asks first.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.lazy_clients import analyze
from backfix.builtin_codemods.lazy_clients.analyze import analyze_module
from backfix.builtin_codemods.lazy_clients.model import ModuleFacts
from backfix.builtin_codemods.lazy_clients.references import ModuleIndex
from libcst.metadata import (
    CodeRange,
    GlobalScope,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    ScopeProvider,
)
from test_lazy_clients_quick import EDGES
from testkit import repository_sources, write_webapp_corpus

from backfix.cst_unit_positions import lines_match


def _ordered(facts: ModuleFacts) -> ModuleFacts:
    """The facts with the uses and imported names in one order (the analysis gathers them scope
    by scope, from a set of scopes: their order is not the same from one resolution to another)."""
    return replace(
        facts,
        uses=tuple(sorted(facts.uses, key=repr)),
        imported_names=tuple(sorted(facts.imported_names, key=repr)),
    )


class _WrapperPositions:
    """``PositionProvider``'s ranges, asked as the index asks its positions."""

    def __init__(self, ranges: Mapping[cst.CSTNode, CodeRange]) -> None:
        self.ranges = ranges

    def line(self, node: cst.CSTNode) -> int:
        return self.ranges[node].start.line

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        start = self.ranges[node].start
        return start.line, start.column


def _wrapper_index(module: cst.Module, tree: ast.Module | None = None) -> ModuleIndex:
    """The index as it was built before: every table from LibCST's metadata wrapper."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    index = object.__new__(ModuleIndex)
    index.module = module
    index.parents = wrapper.resolve(ParentNodeProvider)  # type: ignore[assignment]
    index.positions = _WrapperPositions(wrapper.resolve(PositionProvider))  # type: ignore[assignment]
    scopes = wrapper.resolve(ScopeProvider)
    index.scopes = {scope for scope in scopes.values() if scope is not None}
    index.global_scope = next(s for s in index.scopes if isinstance(s, GlobalScope))
    return index


def _line_tree(code: str) -> ast.Module | None:
    """`ast` of ``code`` where the scan would use it for positions."""
    try:
        return ast.parse(code) if lines_match(code.encode()) else None
    except SyntaxError:
        return None


def test_the_cheap_metadata_gives_the_facts_of_libcsts_wrapper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_webapp_corpus(tmp_path, seed=3, resources=4)
    corpus = {str(p): p.read_text(encoding="utf-8") for p in sorted(tmp_path.rglob("*.py"))}
    sources = {**{f"edge: {n}": c for n, c in EDGES.items()}, **repository_sources(), **corpus}
    with_clients = 0
    for name, code in sources.items():
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        clients = analyze_module(module, with_uses=False)
        full = analyze_module(module, with_uses=True)
        assert _ordered(analyze_module(cst.parse_module(code), with_uses=True)) == _ordered(full)
        # positions from `ast` of the text, at the statements asked about (as a scan has them)
        tree = _line_tree(code)
        assert analyze_module(cst.parse_module(code), False, tree) == clients, name
        assert _ordered(analyze_module(cst.parse_module(code), True, tree)) == _ordered(full), name
        with monkeypatch.context() as patch:
            patch.setattr(analyze, "module_index", _wrapper_index)
            assert analyze_module(module, with_uses=False) == clients, name
            assert _ordered(analyze_module(module, with_uses=True)) == _ordered(full), name
        with_clients += bool(clients.clients)
    assert with_clients > 10


def test_the_plan_reads_the_files_that_spell_a_clients_name() -> None:
    from backfix.builtin_codemods.lazy_clients.plan import _mentions, _spelled

    spelled = _spelled({"cache", "ñame"})
    for raw in (b"cache.get(k)", b'patch("app.cache")', "x = ñame\n".encode(), b"from m import *"):
        assert _mentions(raw, spelled), raw
    for raw in (b"cached = 1", b"redis_cache.get()", "cacheé = 1".encode(), "xñame".encode()):
        assert not _mentions(raw, spelled), raw
