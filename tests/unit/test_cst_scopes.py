"""The engine resolves the scopes LibCST's metadata wrapper resolves, node for node."""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import BaseAssignment, MetadataWrapper, Scope, ScopeProvider
from libcst.metadata.scope_provider import ScopeVisitor
from testkit import repository_sources, write_webapp_corpus

from backfix import cst_fast_scopes as fast_scopes
from backfix import cst_scopes as scopes
from backfix.cst_scopes import resolve_inner_scopes, resolve_scopes
from backfix.cst_walk import is_token, read_only_visits

ROOT = Path(__file__).resolve().parents[2]

#: bindings and reads of every kind the scope analysis tells apart.
SHAPES = """\
from __future__ import annotations
import os.path as osp
from flask import request as req, session
from .models import db, Job
from typing import TYPE_CHECKING, Annotated
x: int = 1; y = z = (1, 2)
a, *b = [1, 2, 3]
del y

def helper(p, /, q: "Job" = Job, *args: str, r, **kw) -> Annotated[int, "x"]:
    global x
    x = p
    inner = lambda a, *b, c=x: a + c
    items = [i for i in range(q) if i for j in range(i)]
    with db.session() as s, open(osp.join("a")) as f:
        s.add(Job(title=req.args["t"]))
    for n, (m, *rest) in enumerate(items):
        del m
    if (count := len(items)) > 1:
        return count
    def nested():
        nonlocal inner
        inner = None
    try:
        pass
    except (ValueError, KeyError) as exc:
        raise RuntimeError(str(exc)) from exc
    return session.get("k")

class View(Base, metaclass=Meta):
    model: type[Job] = Job
    def post(self, job_id: int) -> Job:
        job = self.model.query.get(job_id)
        db.session.commit()
        return job
    match y:
        case [first, *others] if first:
            pass
        case {"k": v, **others}:
            pass
        case Point(x=0, y=_) | None as found:
            pass
"""


#: stores the expression contexts tell apart from reads: targets inside targets, names below
#: attributes and subscripts of targets, comprehension targets, and the places the contexts are
#: never resolved (string annotations, type parameters of definitions).
STORES = """\
a[(b := 1)], c.d[e] = f.g = [h for h in range(3) for i in h if (j := i)]
(k, [m, *n]), o.p = q = {r: s for r, s in {}.items()}, {t for (t, u) in ()}
for v.w, x[y] in z:
    with open(v) as (aa, bb.cc), open(x) as dd[(ee := 1)]:
        del aa, bb[(ff := 2)], dd.gg
gen = (hh for hh in (ii for ii in ()) if (jj := hh))
lam = lambda kk, *ll, mm=(nn := 3): [kk for oo in ll]
def typed(p: "lambda q: (r := q)", s: "[t for t in u]") -> "v := w":
    x: "y" = [z for z in "a"]
def generic[T: (lambda t: t), *Ts, **P](a: T) -> T:
    return a
class Box[U: [u for u in ()]](Base[U]):
    item: U
type Alias[V: (lambda v: v)] = list[V]
try:
    pass
except Exception as err:
    pass
match err:
    case Point(x=px) as found if (guard := px):
        pass
"""


#: calls whose string arguments are type hints (``typing.cast``, ``NewType``, ``TypeVar``) under
#: every kind of name a qualified name can start with ``typing`` from: each module binds one.
TYPING_CALLS = [
    'first = cast("Job", 1)\nfrom typing import cast\nsecond = cast("Job", 2)\n',
    'import typing as t\nT = t.TypeVar("T", bound="Job")\nU = t.NewType("U", "int")\n',
    'from typing_extensions import cast as convert\nvalue = convert("Job", raw)\n',
    'import typing.re\nvalue = typing.cast("Job", 1)\n',
    'typing = load()\nvalue = typing.cast("Job", 1)\nother = typing()\n',
    'class typing:\n    cast = make()\n    value = cast("Job", 1)\n',
    'def typing_helper():\n    return cast("Job", 1)\n',
    'from . import typing\nvalue = typing.cast("Job", 1)\n',
    'value = "".join(cast("Job", x) for x in ()).cast("Job")\n',
    'from typing import List, cast as c\nfrom app import cast\nx = List()\ny = c("Job", 1)\n'
    'z = cast("Job", 2)\n',
    'import os, typing as t\nx = os.path.join("a")\ny = t.cast("Job", 1)\n',
    'from typing import NewType as N\nclass C:\n    def m(self):\n        return N("U", "int")\n',
]


def _sources() -> list[str]:
    inputs = sorted((ROOT / "snapshots").glob("move-commits/*/input/**/*.py"))
    return [SHAPES, STORES, *TYPING_CALLS, *(p.read_text(encoding="utf-8") for p in inputs)]


def _wrapper_differences(module: cst.Module) -> list[object]:
    """What the fast resolution of ``module`` differs in from the wrapper's ([] when nothing)."""
    found = _facts(module, fast_scopes.resolve(module))
    wanted = _facts(module, MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider))
    return [pair for pair in zip(found, wanted, strict=False) if pair[0] != pair[1]] or (
        [len(found), len(wanted)] if len(found) != len(wanted) else []
    )


class _Ids:
    """Names nodes across two resolutions: a node of the module by identity, a node of a string
    annotation (parsed anew by each resolution) by its place among those and its code."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.own: set[int] = set()
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            self.own.add(id(node))
            stack.extend(node.children)
        self.parsed: dict[int, int] = {}

    def nodes(self) -> list[cst.CSTNode]:
        """Every node of the module."""
        found: list[cst.CSTNode] = []
        stack: list[cst.CSTNode] = [self.module]
        while stack:
            node = stack.pop()
            found.append(node)
            stack.extend(node.children)
        return found

    def of(self, node: object) -> object:
        if node is None or id(node) in self.own:
            return id(node)
        assert isinstance(node, cst.CSTNode)
        ordinal = self.parsed.setdefault(id(node), len(self.parsed))
        return (ordinal, type(node).__name__, cst.Module([]).code_for_node(node))


def _describe(ids: _Ids, scope: Scope | None) -> tuple[object, ...]:
    if scope is None:
        return ()
    return (type(scope).__name__, getattr(scope, "name", ""), ids.of(getattr(scope, "node", None)))


def _assignment(ids: _Ids, assignment: BaseAssignment) -> tuple[object, ...]:
    return (
        assignment.name,
        type(assignment).__name__,
        ids.of(getattr(assignment, "node", None)),
        _describe(ids, assignment.scope),
    )


def _facts(module: cst.Module, scopes: Mapping[cst.CSTNode, Scope | None]) -> list[object]:
    """Scope of each node, and each scope's parent, assignments, accesses and their referents,
    by node identity, in an order two resolutions can be compared in."""
    ids = _Ids(module)
    facts: list[object] = []
    seen: set[int] = set()
    for node, scope in scopes.items():
        facts.append((ids.of(node), _describe(ids, scope)))
        if scope is None or id(scope) in seen:
            continue
        seen.add(id(scope))
        facts.append((_describe(ids, scope), _describe(ids, getattr(scope, "parent", None))))
        facts.append(sorted(_assignment(ids, a) for a in scope.assignments))
        facts.append(
            sorted(
                (
                    ids.of(access.node),
                    access.is_annotation,
                    access.is_type_hint,
                    sorted(_assignment(ids, r) for r in access.referents),
                )
                for access in scope.accesses
            )
        )
        for name in sorted({a.name for a in scope.assignments}):
            facts.append((name, sorted(q.name for q in scope.get_qualified_names_for(name))))
    return facts


@pytest.mark.parametrize("source", _sources())
def test_resolve_scopes_is_the_wrappers_scope_metadata(source: str) -> None:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    assert _facts(module, fast_scopes.resolve(module)) == _facts(module, expected)
    assert _facts(module, resolve_scopes(module)) == _facts(module, expected)


def _without_tokens(module: cst.Module) -> list[object]:
    """What the scopes resolved without visiting tokens differ in from the whole resolution
    of ``module`` once its tokens are left out ([] when nothing)."""
    with read_only_visits():
        whole = resolve_scopes(module)
    expected = {node: scope for node, scope in whole.items() if not is_token(type(node))}
    found = _facts(module, resolve_inner_scopes(module))
    wanted = _facts(module, expected)
    return [pair for pair in zip(found, wanted, strict=False) if pair[0] != pair[1]] or (
        [len(found), len(wanted)] if len(found) != len(wanted) else []
    )


@pytest.mark.parametrize("source", _sources())
def test_scopes_without_tokens_are_the_others(source: str) -> None:
    assert _without_tokens(cst.parse_module(source)) == []


def test_scopes_without_tokens_of_repository_sources() -> None:
    for name, code in sorted(repository_sources().items()):
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        assert _without_tokens(module) == [], name


def test_scopes_without_tokens_of_a_generated_corpus(tmp_path: Path) -> None:
    write_webapp_corpus(tmp_path, seed=5, resources=6)
    for path in sorted(tmp_path.rglob("*.py")):
        assert _without_tokens(cst.parse_module(path.read_text(encoding="utf-8"))) == [], path


def test_resolve_scopes_of_repository_sources_is_the_wrappers() -> None:
    for name, code in sorted(repository_sources().items()):
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        assert _wrapper_differences(module) == [], name


def test_resolve_scopes_of_a_generated_corpus_is_the_wrappers(tmp_path: Path) -> None:
    write_webapp_corpus(tmp_path, seed=5, resources=6)
    for path in sorted(tmp_path.rglob("*.py")):
        module = cst.parse_module(path.read_text(encoding="utf-8"))
        assert _wrapper_differences(module) == [], path


def test_the_store_shapes_parse_as_intended() -> None:
    # The shapes the store marking has to get right are in the module LibCST parses.
    module = cst.parse_module(STORES)
    kinds = {type(node).__name__ for node in _Ids(module).nodes()}
    assert {"TypeParameters", "TypeAlias", "NamedExpr", "MatchAs", "GeneratorExp"} <= kinds


@pytest.fixture
def fresh_resolver() -> Iterator[None]:
    scopes.resolver.cache_clear()
    yield
    scopes.resolver.cache_clear()


def test_a_libcst_whose_internals_changed_gets_the_wrapper(
    monkeypatch: pytest.MonkeyPatch, fresh_resolver: None
) -> None:
    def on_leave(self: ScopeVisitor, original_node: cst.CSTNode) -> None:
        self.provider.set_metadata(original_node, self.scope)
        self.scope.record_leave(original_node)  # type: ignore[attr-defined]

    monkeypatch.setattr(ScopeVisitor, "on_leave", on_leave)
    assert not fast_scopes.matches_libcst()
    assert scopes.resolver() is scopes.wrapper_scopes


def test_a_libcst_without_the_internals_gets_the_wrapper(
    monkeypatch: pytest.MonkeyPatch, fresh_resolver: None
) -> None:
    # `fast_scopes` cannot be imported, as with a LibCST that moved what it imports.
    monkeypatch.setitem(sys.modules, fast_scopes.__name__, None)
    monkeypatch.delattr(sys.modules[scopes.__package__ or ""], "cst_fast_scopes")
    assert scopes.resolver() is scopes.wrapper_scopes
    module = cst.parse_module(SHAPES)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    assert _facts(module, resolve_scopes(module)) == _facts(module, expected)


def test_this_libcst_gets_the_fast_resolution(fresh_resolver: None) -> None:
    # Only a check that the other tests compare the fast path: a LibCST release that changes
    # the internals fails it, and then `fast_scopes` needs a look (the scan stays right).
    assert fast_scopes.matches_libcst()
    assert scopes.resolver() is fast_scopes.resolve
