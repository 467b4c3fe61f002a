"""inject-session's analysis reads the tree through the cheap walks (``cst_walk.walk``, parents
without tokens): its facts are those of LibCST's own visits and of the full parent table.

Compared over every snapshot input, the e2e applications, two generated web-app corpora and
hand-written edge cases.
"""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.inject_session import analyze
from testkit import repository_sources, webapp_sources

from backfix import bindings
from backfix.cst_walk import Parents

EDGES = {
    "other first parameter": (
        "class S:\n    def __init__(this):\n        this.db = None\n"
        "    def run(this):\n        (this.db).query(1)\n        this.items.append(1)\n"
        "    def set_db(this, db):\n        this.db = db\n\ns = S()\n"
    ),
    "targets": (
        "from fastapi import APIRouter, Depends\nfrom app.svc import svc\nrouter = APIRouter()\n\n"
        "@router.get('/x')\ndef f(a, *rest, k=1, **kw):\n"
        "    import os.path\n    from a import b as c, d\n    (x, [y, *z]) = 1, [2, 3]\n"
        "    q: int = 1\n    q += 1\n    for i, j in []:\n        pass\n"
        "    with open('f') as (h, g):\n        pass\n    try:\n        pass\n"
        "    except ValueError as err:\n        pass\n    global G\n"
        "    lam = lambda m, n=2: [p for p in (w := [m])]\n"
        "    def inner(u):\n        class K:\n            pass\n    return svc.run()\n"
    ),
    "state": (
        "class T:\n    cache = {}\n    def go(self):\n        self.db.execute(1)\n"
        "        self.cache['k'] = 1\n        self.seen, self.n = 1, 2\n"
        "        self.count += 1\n\nt = T()\n"
    ),
}


def _facts(code: str, *, cheap: bool, monkeypatch: pytest.MonkeyPatch) -> object:
    module = cst.parse_module(code)
    if cheap:
        return analyze.analyze_module(module)
    with monkeypatch.context() as patch:
        # LibCST's own visits (every node, tokens too) and the full parent table
        patch.setattr(analyze, "walk", lambda node, visitor: node.visit(visitor))
        patch.setattr(bindings, "walk", lambda node, visitor: node.visit(visitor))
        patch.setattr(analyze, "Parents", lambda root, tokens=True: Parents(root))
        return analyze.analyze_module(module)


def _differences(sources: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> list[str]:
    differ: list[str] = []
    for name, code in sources.items():
        try:
            cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        cheap = _facts(code, cheap=True, monkeypatch=monkeypatch)
        if cheap != _facts(code, cheap=False, monkeypatch=monkeypatch):
            differ.append(name)
    return differ


def test_edge_cases_find_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _differences(EDGES, monkeypatch) == []


def test_edge_cases_find_something(monkeypatch: pytest.MonkeyPatch) -> None:
    # The comparison above means something only when the facts hold what the walks collect.
    other = analyze.analyze_module(cst.parse_module(EDGES["other first parameter"]))
    assert other.services and other.services[0].setters == ("set_db",)
    assert other.services[0].state_line
    targets = analyze.analyze_module(cst.parse_module(EDGES["targets"]))
    route = next(r.function for r in targets.references if r.local == "svc")
    assert route is not None
    assert {"os", "c", "d", "x", "y", "z", "q", "i", "j", "h", "g", "err", "G"} <= route.locals
    assert {"lam", "m", "n", "p", "w", "inner", "u", "K", "a", "k"} <= route.locals


def test_repository_sources_find_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _differences(repository_sources(), monkeypatch) == []


@pytest.mark.parametrize(("seed", "resources"), [(0, 8), (7, 12)])
def test_generated_corpus_finds_the_same(
    tmp_path: Path, seed: int, resources: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    sources = webapp_sources(tmp_path, seed, resources)
    assert _differences(sources, monkeypatch) == []
