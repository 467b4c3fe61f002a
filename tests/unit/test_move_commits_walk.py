"""move-commits' cheap tree walk gives what LibCST's own (slower) walk gives, node for node."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits.walk import children, parent_map, read_only_visits
from libcst._metadata_dependent import LazyValue
from libcst.metadata import (
    BaseAssignment,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

ROOT = Path(__file__).resolve().parents[2]

#: syntax most node types come from, including the fields LibCST visits only when present.
EVERY_SHAPE = '''\
"""Doc."""
from __future__ import annotations
import os.path as osp, sys
from . import a
from .b import (c as d, e)
from x import *
x: int = 1; y = z = (1, 2)
a, *b = [1, 2, 3]
x += 1
del y
assert x, "m"
@decorator(arg)
async def f(p, /, q: int = 2, *args: str, r, s=3, **kw) -> None:
    global g
    async with ctx() as (c1, c2), other:
        await g(*args, **kw)
    async for i in aiter():
        yield i
    return (yield)
def gen():
    nonlocal_value = lambda a, *b, c=1, **d: a if b else c
    print(f"{x!r:>{width}} {y=} {z:.2f} {{}}", rb"raw", u"u" "implicit")
    value = [i for i in range(3) if i for j in range(i)]
    mapping = {k: v for k, v in {}.items()}
    members = {i async for i in agen()}
    pairs = dict(**{"a": 1}, b=2)
    sliced = seq[1:2:3, ::2, ...]
    if (n := len(seq)) > 1 and not seq or seq is None:
        pass
    elif n in seq:
        raise ValueError("v") from None
    else:
        ...
    while True:
        break
    else:
        continue
    try:
        pass
    except (A, B) as exc:
        pass
    else:
        pass
    finally:
        pass
    try:
        pass
    except* C:
        pass
    match command:
        case [x, y, *rest] if x > 0:
            pass
        case {"k": v, **others}:
            pass
        case Point(x=0, y=_) | None:
            pass
        case str() as s:
            pass
    return -x ** 2 @ y // 3 << 1 | 2 & ~3 ^ 4
class C(Base, metaclass=Meta):
    attr: list[int]
    def method(self) -> C:
        return self
type Alias[T: int = str, *Ts, **P] = tuple[T, *Ts]
def generic[T](value: T) -> T: return value
'''


def _sources() -> list[str]:
    inputs = sorted((ROOT / "snapshots").glob("move-commits/*/input/**/*.py"))
    return [EVERY_SHAPE, *(p.read_text(encoding="utf-8") for p in inputs)]


def _nodes(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.children)
    return found


@pytest.fixture(scope="module")
def modules() -> list[cst.Module]:
    return [cst.parse_module(source) for source in _sources()]


def test_children_are_libcsts_children(modules: list[cst.Module]) -> None:
    for module in modules:
        for node in _nodes(module):
            expected = node.children
            got = children(node)
            assert len(got) == len(expected), type(node).__name__
            assert all(a is b for a, b in zip(got, expected, strict=True)), type(node).__name__


def test_parent_map_is_libcsts_parents(modules: list[cst.Module]) -> None:
    for module in modules:
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
        got = parent_map(module)
        assert len(got) == len(expected)
        assert all(got[node] is parent for node, parent in expected.items())


def _describe(scope: Scope | None) -> tuple[object, ...]:
    if scope is None:
        return ()
    node = getattr(scope, "node", None)
    return (type(scope).__name__, getattr(scope, "name", ""), id(node))


def _assignment(assignment: BaseAssignment) -> tuple[object, ...]:
    return (
        assignment.name,
        type(assignment).__name__,
        id(getattr(assignment, "node", None)),
        _describe(assignment.scope),
    )


def _metadata(module: cst.Module) -> list[object]:
    """Everything move-commits reads from scope, qualified-name and expression-context metadata,
    by node identity, in a form two resolutions can be compared in."""
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    scopes = wrapper.resolve(ScopeProvider)
    qualified = wrapper.resolve(QualifiedNameProvider)
    contexts = wrapper.resolve(ExpressionContextProvider)
    facts: list[object] = []
    seen: set[int] = set()
    for node in _nodes(module):
        scope = scopes.get(node)
        names = qualified.get(node, set())
        if isinstance(names, LazyValue):
            names = names()
        facts.append(
            (
                id(node),
                _describe(scope),
                sorted((q.name, q.source.name) for q in names),
                contexts.get(node),
            )
        )
        if scope is None or id(scope) in seen:
            continue
        seen.add(id(scope))
        facts.append(("parent", _describe(scope), _describe(getattr(scope, "parent", None))))
        facts.append(sorted(_assignment(a) for a in scope.assignments))
        facts.append(
            sorted(
                (
                    id(access.node),
                    access.is_annotation,
                    access.is_type_hint,
                    sorted(_assignment(r) for r in access.referents),
                )
                for access in scope.accesses
            )
        )
    return facts


def test_read_only_visits_resolve_the_same_metadata(modules: list[cst.Module]) -> None:
    for module in modules:
        expected = _metadata(module)
        with read_only_visits():
            got = _metadata(module)
        assert got == expected


def test_read_only_visits_leave_transformers_alone() -> None:
    class Rename(cst.CSTTransformer):
        def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
            return updated_node.with_changes(value=updated_node.value.upper())

    module = cst.parse_module("a = b(c)\n")
    library_visit = cst.CSTNode.visit
    with read_only_visits():
        assert module.visit(Rename()).code == "A = B(C)\n"
    assert cst.CSTNode.visit is library_visit
