"""lazy-clients resolves its metadata over the file's own tree, once: the facts are the same.

The analysis used to wrap a copy of the module (LibCST's ``MetadataWrapper`` deep-copies it) and,
for a file that builds a client, to resolve the scopes, parents and positions twice (clients first,
then uses). It now takes the file's shared wrapper (``SourceFile.metadata``), which wraps the tree
itself and resolves each provider once. Both must give the same facts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import libcst as cst
from backfix.builtin_codemods.lazy_clients.analyze import analyze_module
from backfix.builtin_codemods.lazy_clients.model import ModuleFacts
from libcst.metadata import MetadataWrapper
from test_lazy_clients_quick import EDGES
from testkit import repository_sources, write_webapp_corpus


def _ordered(facts: ModuleFacts) -> ModuleFacts:
    """The facts with the uses and imported names in one order (the analysis gathers them scope
    by scope, from a set of scopes: their order is not the same from one tree to another)."""
    return replace(
        facts,
        uses=tuple(sorted(facts.uses, key=repr)),
        imported_names=tuple(sorted(facts.imported_names, key=repr)),
    )


def test_the_shared_wrapper_gives_the_facts_of_a_copy(tmp_path: Path) -> None:
    write_webapp_corpus(tmp_path, seed=3, resources=4)
    corpus = {str(p): p.read_text(encoding="utf-8") for p in sorted(tmp_path.rglob("*.py"))}
    sources = {**{f"edge: {n}": c for n, c in EDGES.items()}, **repository_sources(), **corpus}
    with_clients = 0
    for name, code in sources.items():
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        shared = MetadataWrapper(module, unsafe_skip_copy=True)
        clients = analyze_module(module, with_uses=False, wrapper=shared)
        assert clients == analyze_module(module, with_uses=False), name
        full = analyze_module(module, with_uses=True, wrapper=shared)
        assert _ordered(full) == _ordered(analyze_module(module, with_uses=True)), name
        with_clients += bool(clients.clients)
    assert with_clients > 10
