"""The engine's cheap tree walks and position table give what LibCST's own (slower) ones give,
node for node: children, parents, visits, metadata resolved through them, and source ranges."""

from __future__ import annotations

import inspect
import sysconfig
from pathlib import Path
from typing import Any

import libcst as cst
import libcst._nodes.whitespace
import pytest
from libcst._metadata_dependent import LazyValue
from libcst.metadata import (
    BaseAssignment,
    ExpressionContextProvider,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    QualifiedNameProvider,
    Scope,
    ScopeProvider,
)

from backfix import cst_positions, cst_walk
from backfix.cst_positions import SAMPLE, CodeRanges, positions
from backfix.cst_walk import (
    WHITESPACE,
    Parents,
    TrackingVisitor,
    WalkVisitor,
    children,
    is_token,
    read_only_visits,
    walk,
)

ROOT = Path(__file__).resolve().parents[2]

#: syntax most node types come from: the engine's own sample and more, including the fields LibCST
#: visits only when present.
EVERY_SHAPE = (
    SAMPLE
    + """\
from . import a
def more():
    print(f"{z:.2f} {{}}")
    pairs = dict(**{"a": 1}, b=2)
    try:
        pass
    except A:
        pass
    else:
        pass
    try:
        pass
    except* C:
        pass
    match command:
        case str() as s:
            pass
type Alias[T: int = str, *Ts, **P] = tuple[T, *Ts]
def generic[T](value: T) -> T: return value
"""
)


#: corner cases of code generation and whitespace.
SOURCES = {
    "empty": "",
    "no trailing newline": "x = 1",
    "comment only": "\n\n# a comment",
    "crlf and tabs": "if x:\r\n\tpass\r\n",
    "decorated and nested": (
        "@app.route('/x')\n@login_required\nasync def view(a, *, b=1):\n"
        "    class Inner:\n        def m(self): return [i for i in range(3) if i]\n"
        "    return await db.execute(\n        select(User)  # why\n    )\n"
    ),
    "strings and unicode": (
        's = f\'{a!r:>{width}} {b["k"]}\' \\\n    \'more\'\nnom = \'é\' + """x\n y"""\n'
        "\u03c1 = {'k': (yield_ := 1)}\n"
    ),
    "compound statements": (
        "try:\n    pass\nexcept (A, B) as e:\n    raise\nelse:\n    x = 1\nfinally:\n"
        "    del x\nwhile y:\n    break\nelse:\n    pass\nwith a as b, c:\n    match b:\n"
        "        case [1, *rest] if rest:\n            pass\n        case _:\n            pass\n"
    ),
    "every shape": EVERY_SHAPE,
}
STDLIB_MODULES = ("ast.py", "dataclasses.py", "email/_header_value_parser.py")


def _sources(codemods: str = "[am]*-*") -> list[str]:
    """The corner cases and the snapshot inputs of the codemods that walk this way."""
    inputs = sorted((ROOT / "snapshots").glob(f"{codemods}/*/input/**/*.py"))
    return [*SOURCES.values(), *(p.read_text(encoding="utf-8") for p in inputs)]


def _stdlib(relative: str) -> cst.Module:
    return cst.parse_module((Path(sysconfig.get_paths()["stdlib"]) / relative).read_bytes())


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


def test_parents_are_libcsts_parents(modules: list[cst.Module]) -> None:
    for module in modules:
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
        got = Parents(module)
        assert len(got) == len(expected)
        assert all(got[node] is parent for node, parent in expected.items())
        assert module not in got and got.get(module) is None
        assert {id(node) for node in got} == {id(node) for node in expected}


def test_parents_without_tokens_are_libcsts_parents_of_the_other_nodes(
    modules: list[cst.Module],
) -> None:
    for module in modules:
        expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
        inner = {id(n): p for n, p in expected.items() if not is_token(type(n))}
        got = Parents(module, tokens=False)
        assert len(got) == len(inner) <= len(expected)
        assert all(got[node] is inner[id(node)] for node in got)
        assert module not in got and got.get(module) is None


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


def test_read_only_visits_resolve_the_same_metadata() -> None:
    for module in map(cst.parse_module, _sources("move-commits")):
        expected = _metadata(module)
        with read_only_visits():
            got = _metadata(module)
        assert got == expected


class _AttributeCalls(cst.CSTVisitor):
    """Every callback a visitor with attribute hooks gets, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, int, str]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.calls.append(("visit", id(node), ""))
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.calls.append(("leave", id(original_node), ""))
        super().on_leave(original_node)

    def visit_Call_func(self, node: cst.Call) -> None:
        self.calls.append(("visit_func", id(node), ""))

    def leave_Call_args(self, node: cst.Call) -> None:
        self.calls.append(("leave_args", id(node), ""))


class _EveryAttribute(cst.CSTVisitor):
    """A visitor that handles attribute visits itself: it gets every one."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, int, str]] = []

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        self.calls.append(("visit", id(node), attribute))

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        self.calls.append(("leave", id(original_node), attribute))


@pytest.mark.parametrize("visitor_type", [_AttributeCalls, _EveryAttribute])
def test_read_only_visits_make_the_attribute_calls_that_do_something(
    visitor_type: type[_AttributeCalls | _EveryAttribute],
) -> None:
    # (f-strings aside: a read-only visit announces an empty ``format_spec`` that LibCST skips)
    code = "".join(line for line in EVERY_SHAPE.splitlines(True) if 'f"' not in line)
    module = cst.parse_module(code)
    expected, got = visitor_type(), visitor_type()
    module.visit(expected)
    with read_only_visits():
        module.visit(got)
    assert got.calls == expected.calls
    assert any(kind not in {"visit", "leave"} or name for kind, _, name in got.calls)


def test_read_only_visits_leave_transformers_alone() -> None:
    class Rename(cst.CSTTransformer):
        def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.Name:
            return updated_node.with_changes(value=updated_node.value.upper())

    module = cst.parse_module("a = b(c)\n")
    library_visit = cst.CSTNode.visit
    with read_only_visits():
        assert module.visit(Rename()).code == "A = B(C)\n"
    assert cst.CSTNode.visit is library_visit


# --- positions -------------------------------------------------------------------------------------


def _same_positions(module: cst.Module) -> bool:
    """The table holds every node's range as LibCST's provider resolves it, and nothing else."""
    ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    table = positions(module)
    return len(table.spans) == len(ranges) and all(
        table[node] == (r.start.line, r.start.column, r.end.line, r.end.column)
        for node, r in ranges.items()
    )


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_positions_match_libcst(name: str) -> None:
    assert _same_positions(cst.parse_module(SOURCES[name]))


def test_positions_match_libcst_on_snapshots_and_stdlib_modules(modules: list[cst.Module]) -> None:
    for module in [*modules, *map(_stdlib, STDLIB_MODULES)]:
        assert _same_positions(module)


def test_text_of_an_expression_is_its_code_but_for_indentation(
    modules: list[cst.Module],
) -> None:
    for module in [*modules, *map(_stdlib, STDLIB_MODULES)]:
        table = positions(module)
        for node in _nodes(module):
            if isinstance(node, cst.BaseExpression):
                code, text = module.code_for_node(node), table.text(node)
                assert text.split() == code.split(), code
                assert text == code or "\n" in code  # only continuation lines can differ


def test_code_ranges_are_libcsts_code_ranges() -> None:
    module = cst.parse_module(SOURCES["decorated and nested"])
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    got = CodeRanges(module)
    assert all(got[node] == code_range for node, code_range in expected.items())


def test_codemods_analysing_one_module_share_its_positions() -> None:
    first = cst.parse_module(SOURCES["decorated and nested"])
    second = cst.parse_module(SOURCES["decorated and nested"])
    table = positions(first)
    assert positions(first) is table
    assert CodeRanges(first).positions is table
    other = positions(second)
    assert other is not table
    assert other.spans.keys().isdisjoint(table.spans.keys())
    again = positions(first)  # only the last table is kept: computed anew, the same ranges
    assert again is not table
    assert [again[node] for node in _nodes(first)] == [table[node] for node in _nodes(first)]


# --- the walk that skips tokens --------------------------------------------------------------------


def test_whitespace_is_every_whitespace_node_type() -> None:
    module = libcst._nodes.whitespace
    concrete = {
        klass
        for klass in vars(module).values()
        if inspect.isclass(klass)
        and klass.__module__ == module.__name__
        and not inspect.isabstract(klass)
    }
    assert concrete == set(WHITESPACE)
    assert all(is_token(klass) for klass in concrete)
    assert is_token(cst.Comma) and is_token(cst.LeftParen) and is_token(cst.ImportStar)
    assert not is_token(cst.Name) and not is_token(cst.Module)


class _Recorder(cst.CSTVisitor):
    """Every on_visit/on_leave call but tokens', in order; stops at lambdas to test pruning."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not is_token(type(node)):
            self.calls.append(("visit", id(node)))
        return not isinstance(node, cst.Lambda)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if not is_token(type(original_node)):
            self.calls.append(("leave", id(original_node)))


def _same_walk(module: cst.Module) -> bool:
    libcst_order, own_order = _Recorder(), _Recorder()
    module.visit(libcst_order)
    walk(module, own_order)
    return libcst_order.calls == own_order.calls


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_walk_visits_like_libcst(name: str) -> None:
    assert _same_walk(cst.parse_module(SOURCES[name] + "\nfrom a import *\nf(lambda x: x)\n"))


def test_walk_visits_like_libcst_on_snapshots_and_stdlib_modules(
    modules: list[cst.Module],
) -> None:
    for module in [*modules, *map(_stdlib, STDLIB_MODULES)]:
        assert _same_walk(module)


class _EveryNode(cst.CSTVisitor):
    """Every node visited and left, tokens included."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.calls.append(("visit", id(node)))
        super().on_visit(node)  # its visit_<Node> callback
        return not isinstance(node, cst.Lambda)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.calls.append(("leave", id(original_node)))


class _CommaHook(_EveryNode):
    """A visitor with a callback for a token: it is not spared its tokens."""

    def visit_Comma(self, node: cst.Comma) -> None:
        self.calls.append(("Comma", id(node)))


def test_read_only_visits_without_tokens_skip_only_the_tokens(modules: list[cst.Module]) -> None:
    for module in [*modules, *map(_stdlib, STDLIB_MODULES)]:
        expected, got = _EveryNode(), _EveryNode()
        module.visit(expected)
        with read_only_visits(tokens=False):
            module.visit(got)
        tokens = {id(node) for node in _nodes(module) if is_token(type(node))}
        assert got.calls == [call for call in expected.calls if call[1] not in tokens]


def test_read_only_visits_without_tokens_keep_a_token_callbacks_tokens() -> None:
    module = cst.parse_module(EVERY_SHAPE)
    expected, got = _CommaHook(), _CommaHook()
    module.visit(expected)
    with read_only_visits(tokens=False):
        module.visit(got)
    assert got.calls == expected.calls
    assert any(kind == "Comma" for kind, _ in got.calls)


class _Hooks:
    """visit_/leave_ hooks that record their calls, one of them pruning."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.calls: list[tuple[str, int]] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.calls.append(("Name", id(node)))

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.calls.append(("Lambda", id(node)))
        return False

    def leave_Call(self, original_node: cst.Call) -> None:
        self.calls.append(("Call", id(original_node)))


class _LibCSTHooks(_Hooks, cst.CSTVisitor):
    pass


class _TableHooks(_Hooks, WalkVisitor):
    pass


class _TrackingHooks(_Hooks, TrackingVisitor):
    def leave_Call(self, original_node: cst.Call) -> None:
        super().leave_Call(original_node)
        parent = self.parent(original_node)
        assert parent is not None and any(child is original_node for child in parent.children)


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_walk_visitors_call_the_hooks_libcst_calls(name: str) -> None:
    module = cst.parse_module(SOURCES[name] + "\nf(lambda x: g(x), h(y))\n")
    expected = _LibCSTHooks()
    module.visit(expected)
    for visitor in (_TableHooks(), _TrackingHooks(positions(module))):
        walk(module, visitor)
        assert visitor.calls == expected.calls


def test_walk_refuses_hooks_it_would_not_call() -> None:
    class OnComma(cst.CSTVisitor):
        def visit_Comma(self, node: cst.Comma) -> None:
            pass

    class OnAttribute(cst.CSTVisitor):
        def visit_Call_func(self, node: cst.Call) -> None:
            pass

    for visitor in (OnComma(), OnAttribute()):
        with pytest.raises(TypeError):
            walk(cst.parse_module("f(a, b)\n"), visitor)


# --- a LibCST whose internals changed ----------------------------------------------------------------


def test_walks_fall_back_to_libcsts_own_when_its_internals_change(
    libcst_checks_unrecorded: None,
) -> None:
    module = cst.parse_module(SOURCES["every shape"])
    library_visit = cst.CSTNode.visit
    with pytest.MonkeyPatch.context() as patch:
        # a LibCST whose `_visit_and_replace_children` no longer announces the fields it visits
        patch.setattr(cst_walk._FieldRecorder, "on_visit_attribute", lambda *args: None)
        for table in ("_FIELDS", "_PARTIAL", "_PLANS"):
            patch.setattr(cst_walk, table, {})
        cst_walk.trusted.cache_clear()
        try:
            assert not cst_walk.trusted()
            for node in _nodes(module):
                assert children(node) == list(node.children)
            assert _same_walk(module)
            inner = [node for node in Parents(module) if not is_token(type(node))]
            assert list(Parents(module, tokens=False)) != []
            assert {id(n) for n in Parents(module, tokens=False)} == {id(n) for n in inner}
            with read_only_visits():
                assert cst.CSTNode.visit is library_visit
        finally:
            cst_walk.trusted.cache_clear()
    assert cst_walk.trusted()


def test_positions_fall_back_to_libcsts_provider_when_its_internals_change(
    libcst_checks_unrecorded: None,
) -> None:
    module = cst.parse_module(SOURCES["decorated and nested"])
    with pytest.MonkeyPatch.context() as patch:
        # a LibCST whose code generation no longer calls the hooks the table relies on
        patch.setattr(cst_positions._PositionState, "after_codegen", lambda *args: None)
        cst_positions.exact.cache_clear()
        try:
            assert not cst_positions.exact()
            assert _same_positions(module)
            table = positions(module)
            for node in _nodes(module):
                if isinstance(node, cst.BaseExpression):
                    assert table.text(node) == module.code_for_node(node)
        finally:
            cst_positions.exact.cache_clear()
    assert cst_positions.exact()
