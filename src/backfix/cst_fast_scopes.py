"""LibCST's own scope analysis, run for less (``cst_scopes.resolve_scopes`` uses it when the installed
LibCST is the one it was written against).

``MetadataWrapper.resolve(ScopeProvider)`` runs ``ExpressionContextProvider`` and then
``ScopeProvider``, each as a batched visit over the whole module. Both providers do all their work
in ``visit_Module`` (each walks the module with its own visitor), so the batched visits around them
only walk every node once more and call nothing: on a route module they were about a third of the
scope resolution. Here the two providers' visitors run directly, in the same order and with the
same dependency.

The visitors themselves spend most of their time finding their callbacks: for every node and every
field of it, ``CSTVisitor`` formats a method name and looks it up (almost always in vain), and
``ScopeVisitor.on_leave`` tests the node against thirteen abstract node classes. The subclasses
below look each name up once per visitor and test the node's exact type against the same classes
(and their subclasses): the callbacks that run, and their order, are LibCST's own, so the scopes,
assignments and accesses are the ones the wrapper gives.

The scope visitor reads one thing of the expression contexts: whether a ``Name`` it visits is
stored to. So instead of a walk of its own, ``ExpressionContextProvider``'s visitor runs only where
it stores: when the scope visitor reaches a node whose ``ExpressionContextVisitor`` callback visits
a child as a target (``Assign``, ``For``, ``AsName``...), it marks the names that visit stores to.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping, Sequence
from typing import cast

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import (
    Assignment,
    BuiltinAssignment,
    ExpressionContext,
    ExpressionContextProvider,
    Scope,
    ScopeProvider,
)
from libcst.metadata.base_provider import BaseMetadataProvider
from libcst.metadata.expression_context_provider import ExpressionContextVisitor
from libcst.metadata.scope_provider import _ASSIGNMENT_LIKE_NODES, LocalScope, ScopeVisitor

from backfix.cst_walk import inner_children, with_subclasses

_Callback = Callable[[cst.CSTNode], object]


#: the node types ``isinstance(node, _ASSIGNMENT_LIKE_NODES)`` accepts.
_ASSIGNMENT_LIKE = with_subclasses(*_ASSIGNMENT_LIKE_NODES)


def _is_stub(callback: object) -> bool:
    """One of ``CSTVisitor``'s empty typed callbacks (LibCST's batched visitor skips them too)."""
    return bool(getattr(callback, "_is_no_op", False))


def _live(callback: _Callback | None) -> _Callback | None:
    return None if _is_stub(callback) else callback


_FIELD_CALLBACK_NAMES: dict[type[cst.CSTVisitor], dict[str, dict[tuple[str, str], str]]] = {}


def _field_callback_names(visitor: type[cst.CSTVisitor]) -> dict[str, dict[tuple[str, str], str]]:
    """Per node type name, the names of a visitor class's ``visit_<Type>_<field>`` and
    ``leave_<Type>_<field>`` methods by (kind, field)."""
    names = _FIELD_CALLBACK_NAMES.get(visitor)
    if names is None:
        names = _FIELD_CALLBACK_NAMES[visitor] = {}
        for name in dir(visitor):
            parts = name.split("_", 2)
            if (
                len(parts) == 3
                and parts[0] in {"visit", "leave"}
                and parts[1][:1].isupper()
                and not _is_stub(getattr(visitor, name))
            ):
                names.setdefault(parts[1], {})[(parts[0], parts[2])] = name
    return names


class _CachedCallbacks(cst.CSTVisitor):
    """``CSTVisitor``'s dispatch, with each callback looked up once per visitor and node type."""

    #: its attribute visits call only ``visit_<Node>_<field>``/``leave_<Node>_<field>`` methods
    #: (``cst_walk``'s read-only visit skips them for node types it has none for)
    ATTRIBUTE_HOOKS_BY_NAME = True

    _visits: dict[type[cst.CSTNode], _Callback | None]
    _leaves: dict[type[cst.CSTNode], _Callback | None]
    #: per node type, its ``visit_<Type>_<field>``/``leave_<Type>_<field>`` callbacks by
    #: (kind, field); None when it has none (most types).
    _fields: dict[type[cst.CSTNode], dict[tuple[str, str], _Callback] | None]

    def _start_callbacks(self) -> None:
        self._visits, self._leaves, self._fields = {}, {}, {}

    def _field_callbacks(self, kind: type[cst.CSTNode]) -> dict[tuple[str, str], _Callback] | None:
        names = _field_callback_names(type(self)).get(kind.__name__, {})
        found = {key: getattr(self, name) for key, name in names.items()} or None
        self._fields[kind] = found
        return found

    def on_visit(self, node: cst.CSTNode) -> bool:
        kind = type(node)
        try:
            callback = self._visits[kind]
        except KeyError:
            callback = self._visits[kind] = _live(getattr(self, f"visit_{kind.__name__}", None))
        return callback is None or callback(node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        kind = type(original_node)
        try:
            callback = self._leaves[kind]
        except KeyError:
            callback = self._leaves[kind] = _live(getattr(self, f"leave_{kind.__name__}", None))
        if callback is not None:
            callback(original_node)

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        kind = type(node)
        callbacks = self._fields[kind] if kind in self._fields else self._field_callbacks(kind)
        if callbacks is not None and ("visit", attribute) in callbacks:
            callbacks[("visit", attribute)](node)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        kind = type(original_node)
        callbacks = self._fields[kind] if kind in self._fields else self._field_callbacks(kind)
        if callbacks is not None and ("leave", attribute) in callbacks:
            callbacks[("leave", attribute)](original_node)


class _ContextVisitor(_CachedCallbacks, ExpressionContextVisitor):
    """``ExpressionContextProvider``'s visitor with cached callbacks."""

    def __init__(self, provider: ExpressionContextProvider) -> None:
        ExpressionContextVisitor.__init__(self, provider, ExpressionContext.LOAD)
        self._start_callbacks()


#: per node type, the fields ``ExpressionContextVisitor`` visits in the store context (its
#: ``visit_<Type>`` callbacks); an ``Assign``'s targets are ``AssignTarget`` nodes around them.
_STORE_FIELDS: dict[type[cst.CSTNode], str] = {
    cst.Assign: "targets",
    cst.AnnAssign: "target",
    cst.AugAssign: "target",
    cst.NamedExpr: "target",
    cst.AsName: "name",
    cst.CompFor: "target",
    cst.For: "target",
    cst.ClassDef: "name",
    cst.FunctionDef: "name",
    cst.Param: "name",
}
#: the scope visitor enters the first ``CompFor`` of a comprehension without its ``on_visit``:
#: its target is marked from the comprehension.
_COMPREHENSIONS = frozenset({cst.ListComp, cst.SetComp, cst.DictComp, cst.GeneratorExp})
#: in the store context, these visit their parts as loads (``Attribute``, ``Subscript``) or
#: deletions (``Del``): no name below them is stored to by that visit.
_STORE_STOPS = frozenset({cst.Attribute, cst.Subscript, cst.Del})
#: ``ExpressionContextVisitor`` never visits the type parameters of these.
_UNVISITED_TYPE_PARAMETERS = frozenset({cst.ClassDef, cst.FunctionDef})


def _store_targets(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The children of ``node`` that ``ExpressionContextVisitor`` visits as store targets."""
    kind = type(node)
    if kind in _COMPREHENSIONS:
        return [cast("cst.ListComp", node).for_in.target]
    value = getattr(node, _STORE_FIELDS[kind])
    return list(value) if type(value) is tuple or type(value) is list else [value]


def _mark_stores(target: cst.CSTNode, stores: dict[cst.CSTNode, ExpressionContext]) -> None:
    """Record the names an ``ExpressionContextVisitor`` in the store context stores to in
    ``target``: all its names but those below a node that visits its parts in another context.
    (Only the scope visitor's own walk reaches the callbacks of nodes below those.)"""
    stack = [target]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is cst.Name:
            stores[current] = ExpressionContext.STORE
        elif kind not in _STORE_STOPS:
            found = inner_children(current)
            if kind in _UNVISITED_TYPE_PARAMETERS:
                skipped = cast("cst.FunctionDef", current).type_parameters
                found = [child for child in found if child is not skipped]
            stack.extend(found)


#: where a name whose qualified names may start with ``typing`` can be bound (see
#: :meth:`_ScopeVisitor.visit_Call`)
_BINDINGS = frozenset({cst.Import, cst.ImportFrom, cst.ClassDef, cst.FunctionDef})
#: the node types ``_ScopeVisitor._mark`` looks at
_MARKED = frozenset(_STORE_FIELDS) | _COMPREHENSIONS | _BINDINGS | {cst.Module, cst.TypeParameters}


def _typing_definition(node: cst.ClassDef | cst.FunctionDef) -> bool:
    """A class or function with ``typing`` in its name: the qualified names of the names bound in
    it start with its name."""
    return "typing" in node.name.value


def _typing_imports(statement: cst.Import | cst.ImportFrom) -> set[str]:
    """The first parts of the names an import binds whose qualified names may start with
    ``typing``: all it binds when its module or an imported name has ``typing`` in it."""
    module = getattr(statement, "module", None)
    names = statement.names
    if type(names) is cst.ImportStar:
        return set()  # (LibCST records no assignment for it)
    aliases = cast("Sequence[cst.ImportAlias]", names)
    imported = [get_full_name_for_node(alias.name) for alias in aliases]
    if not any("typing" in (name or "typing") for name in imported) and not (
        module is not None and "typing" in (get_full_name_for_node(module) or "typing")
    ):
        return set()
    bound: set[str] = set()
    for alias, name in zip(aliases, imported, strict=True):
        asname = alias.asname
        if asname is not None and type(asname.name) is cst.Name:
            bound.add(asname.name.value)
        else:
            bound.add((name or "").split(".")[0])
    return bound


def _first_name(call: cst.Call) -> str | None:
    """The first part of the full name LibCST gives ``call`` (``get_full_name_for_node``): the
    name its chain of attributes, calls and subscripts starts with; None when it has no full
    name or one that starts with ``None`` (an attribute of another expression)."""
    current: cst.CSTNode = call.func
    while True:
        kind = type(current)
        if kind is cst.Name:
            return cast("cst.Name", current).value
        if kind is cst.Attribute or kind is cst.Subscript:
            current = cast("cst.Attribute", current).value
        elif kind is cst.Call:
            current = cast("cst.Call", current).func
        else:
            return None


class _ScopeVisitor(_CachedCallbacks, ScopeVisitor):
    """``ScopeProvider``'s visitor with cached callbacks, marking the names stored to as it goes
    (``stores``: what its ``ExpressionContextProvider`` metadata is asked for)."""

    def __init__(
        self, provider: ScopeProvider, stores: dict[cst.CSTNode, ExpressionContext]
    ) -> None:
        ScopeVisitor.__init__(self, provider)
        self._start_callbacks()
        #: what the provider's `set_metadata` records in
        self._computed: MutableMapping[cst.CSTNode, object] = provider._computed
        self._stores = stores
        #: modules entered: the scope visitor parses and visits string annotations, which
        #: ``ExpressionContextVisitor`` never sees (their names have no context)
        self._modules = 0
        #: the type parameters ``ExpressionContextVisitor`` does not visit, and how many of them
        #: the walk is in
        self._unvisited: set[int] = set()
        self._in_unvisited = 0
        #: whether a class or function seen so far has ``typing`` in its name (see
        #: :meth:`visit_Call`)
        self._typing_bound = False
        #: the first parts of the names imports seen so far bind that may have a qualified name
        #: starting with ``typing``
        self._typing_names: set[str] = set()

    def on_visit(self, node: cst.CSTNode) -> bool:
        # `_CachedCallbacks.on_visit` inline (it runs for every node).
        kind = type(node)
        if kind in _MARKED:
            self._mark(node)
        try:
            callback = self._visits[kind]
        except KeyError:
            callback = self._visits[kind] = _live(getattr(self, f"visit_{kind.__name__}", None))
        return callback is None or callback(node) is not False

    def visit_Call(self, node: cst.Call) -> bool | None:
        """``ScopeVisitor.visit_Call``, which looks up the call's qualified names to find
        ``typing.cast``, ``typing.NewType`` and ``typing.TypeVar``, without the look-up where no
        qualified name of the call can start with ``typing``. The look-up goes through the
        assignments of names starting with the call's first name: a local name's qualified name
        is its own (below the names of the classes and functions around it), an import's starts
        with the module or name imported, a builtin's with ``builtins``."""
        first = _first_name(node)
        if first is not None and (
            self._typing_bound or first in self._typing_names or "typing" in first
        ):
            return ScopeVisitor.visit_Call(self, node)
        # (LibCST's private stacks, by their mangled names)
        self._ScopeVisitor__top_level_attribute_stack.append(None)  # type: ignore[attr-defined]
        self._ScopeVisitor__in_type_hint_stack.append(False)  # type: ignore[attr-defined]
        return True

    def _mark(self, node: cst.CSTNode) -> None:
        kind = type(node)
        if kind is cst.Import or kind is cst.ImportFrom:
            self._typing_names |= _typing_imports(cast("cst.Import | cst.ImportFrom", node))
            return
        if kind in _BINDINGS:
            definition = cast("cst.ClassDef | cst.FunctionDef", node)
            self._typing_bound = self._typing_bound or _typing_definition(definition)
        if kind is cst.Module:
            self._modules += 1
            return
        if kind is cst.TypeParameters:
            self._in_unvisited += id(node) in self._unvisited
            return
        if kind in _UNVISITED_TYPE_PARAMETERS:
            parameters = cast("cst.FunctionDef", node).type_parameters
            if parameters is not None:
                self._unvisited.add(id(parameters))
        if self._modules > 1 or self._in_unvisited:
            return
        for target in _store_targets(node):
            _mark_stores(target, self._stores)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        # `ScopeVisitor.on_leave`, with an exact-type test for its `isinstance`, the provider's
        # `set_metadata` and `_CachedCallbacks.on_leave` inline (it runs for every node).
        scope = self.scope
        self._computed[original_node] = scope
        kind = type(original_node)
        if kind in _ASSIGNMENT_LIKE:
            scope._assignment_count += 1
        elif kind is cst.Module:
            self._modules -= 1
        elif kind is cst.TypeParameters:
            self._in_unvisited -= id(original_node) in self._unvisited
        try:
            callback = self._leaves[kind]
        except KeyError:
            callback = self._leaves[kind] = _live(getattr(self, f"leave_{kind.__name__}", None))
        if callback is not None:
            callback(original_node)


def resolve_contexts(module: cst.Module) -> Mapping[cst.CSTNode, ExpressionContext]:
    """The expression context of the nodes of ``module``: what ``ExpressionContextProvider``
    resolves."""
    contexts = ExpressionContextProvider()
    module.visit(_ContextVisitor(contexts))  # `ExpressionContextProvider.visit_Module`
    # ExpressionContextProvider records plain contexts, never lazy values.
    return cast("Mapping[cst.CSTNode, ExpressionContext]", contexts._computed)


def resolve(module: cst.Module) -> Mapping[cst.CSTNode, Scope | None]:
    """The scope of every node of ``module``: what ``ScopeProvider`` resolves."""
    scopes = ScopeProvider()
    # What `MetadataDependent.resolve` hands a provider: its dependency's metadata, here the
    # only contexts the scope visitor tells apart (a name without one is read).
    stores: dict[cst.CSTNode, ExpressionContext] = {}
    scopes.metadata = {ExpressionContextProvider: stores}
    visitor = _ScopeVisitor(scopes, stores)  # `ScopeProvider.visit_Module`
    module.visit(visitor)
    visitor.infer_accesses()
    # ScopeProvider records plain scopes, never lazy values.
    return cast("Mapping[cst.CSTNode, Scope | None]", scopes._computed)


def _names(owner: type, name: str) -> frozenset[str]:
    function = vars(owner).get(name)
    code = getattr(function, "__code__", None)
    return frozenset(code.co_names) if code is not None else frozenset()


_CALLBACK_NAMES = frozenset({"getattr", "type", "__name__"})
#: the names the LibCST functions this module stands in for use (the same on Python 3.10-3.13):
#: a LibCST that changed what they do most likely changed these.
_EXPECTED_NAMES: list[tuple[type, str, frozenset[str]]] = [
    (
        ScopeVisitor,
        "on_leave",
        frozenset(
            {"provider", "set_metadata", "scope", "isinstance", "_ASSIGNMENT_LIKE_NODES"}
            | {"_assignment_count", "super", "on_leave"}
        ),
    ),
    (ScopeProvider, "visit_Module", frozenset({"ScopeVisitor", "visit", "infer_accesses"})),
    # how the qualified names `_ScopeVisitor.visit_Call` does not look up are made
    (
        Assignment,
        "get_qualified_names_for",
        frozenset({"LOCAL", "QualifiedName", "QualifiedNameSource", "_name_prefix", "scope"}),
    ),
    (
        BuiltinAssignment,
        "get_qualified_names_for",
        frozenset({"BUILTIN", "QualifiedName", "QualifiedNameSource", "name"}),
    ),
    (
        LocalScope,
        "_make_name_prefix",
        frozenset({"_name_prefix", "filter", "join", "name", "parent"}),
    ),
    (
        ExpressionContextProvider,
        "visit_Module",
        frozenset({"visit", "ExpressionContextVisitor", "ExpressionContext", "LOAD"}),
    ),
    (BaseMetadataProvider, "set_metadata", frozenset({"_computed"})),
    (cst.CSTVisitor, "on_visit", _CALLBACK_NAMES),
    (cst.CSTVisitor, "on_leave", _CALLBACK_NAMES),
    (cst.CSTVisitor, "on_visit_attribute", _CALLBACK_NAMES),
    (cst.CSTVisitor, "on_leave_attribute", _CALLBACK_NAMES),
]


#: what ``ExpressionContextVisitor``'s callbacks use: the store targets above, the contexts
#: they switch to, and nothing else (no other callbacks)
_CONTEXT_CALLBACKS: dict[str, frozenset[str]] = {
    "visit_Assign": frozenset({"targets", "value"}),
    "visit_AnnAssign": frozenset({"target", "annotation", "value"}),
    "visit_AugAssign": frozenset({"target", "value"}),
    "visit_NamedExpr": frozenset({"target", "value"}),
    "visit_Name": frozenset({"context", "provider", "set_metadata"}),
    "visit_AsName": frozenset({"name"}),
    "visit_CompFor": frozenset({"target", "iter", "ifs", "inner_for_in"}),
    "visit_For": frozenset({"target", "iter", "body", "orelse"}),
    "visit_Del": frozenset({"target"}),
    "visit_Attribute": frozenset({"context", "set_metadata", "value", "LOAD"}),
    "visit_Subscript": frozenset(
        {"context", "set_metadata", "value", "slice", "LOAD", "Sequence", "isinstance"}
    ),
    "visit_Tuple": frozenset({"context", "provider", "set_metadata"}),
    "visit_List": frozenset({"context", "provider", "set_metadata"}),
    "visit_StarredElement": frozenset({"context", "provider", "set_metadata"}),
    "visit_ClassDef": frozenset({"name", "body", "bases", "keywords", "decorators"}),
    "visit_FunctionDef": frozenset({"name", "params", "body", "decorators", "returns"}),
    "visit_Param": frozenset({"name", "annotation", "default"}),
}
#: what the callbacks that visit a store target build around it
_CONTEXT_VISITS = frozenset({"ExpressionContext", "ExpressionContextVisitor", "provider", "visit"})
#: the scope visitor's callbacks that visit parts of a node themselves (the marking relies on
#: each of them entering a node's ``on_visit`` before its targets, but comprehensions)
_SCOPE_VISITS = frozenset(
    {
        "_handle_string_annotation",
        "_visit_comp_alike",
        "visit_Arg",
        "visit_Attribute",
        "visit_Call",
        "visit_ClassDef",
        "visit_For",
        "visit_FunctionDef",
        "visit_Lambda",
        "visit_Param",
        "visit_TypeAlias",
        "visit_TypeVar",
    }
)


#: what ``ScopeVisitor.visit_Call`` uses (``_ScopeVisitor.visit_Call`` does the same)
_VISIT_CALL_NAMES = frozenset(
    {"_ScopeVisitor__in_type_hint_stack", "_ScopeVisitor__top_level_attribute_stack"}
    | {"append", "args", "func", "get_qualified_names_for", "len", "pop", "scope", "visit"}
)


def _context_visitor_matches() -> bool:
    """Whether ``ExpressionContextVisitor`` and the scope visitor's use of it are the ones the
    marking of stored names in ``_ScopeVisitor`` mirrors."""
    callbacks = {
        name: _names(ExpressionContextVisitor, name)
        for name in vars(ExpressionContextVisitor)
        if name.startswith(("visit", "leave", "on_"))
    }
    if set(callbacks) != set(_CONTEXT_CALLBACKS):
        return False
    for name, used in callbacks.items():
        if used - _CONTEXT_VISITS - {"STORE", "DEL"} != _CONTEXT_CALLBACKS[name] - _CONTEXT_VISITS:
            return False
    visits = {
        name
        for name, value in vars(ScopeVisitor).items()
        if "visit" in getattr(getattr(value, "__code__", None), "co_names", ())
    }
    # (Python 3.12 inlines `visit_Call`'s set comprehension: its `name` joins the names)
    return (
        visits == _SCOPE_VISITS
        and "get_metadata" in _names(ScopeVisitor, "visit_Name")
        and _names(ScopeVisitor, "visit_Call") - {"name"} == _VISIT_CALL_NAMES
    )


def matches_libcst() -> bool:
    """Whether the installed LibCST is the one this module mirrors: the providers still do all
    their work in ``visit_Module`` (no other callbacks, the same dependency), and the functions
    it stands in for use the same names."""
    for provider in (ScopeProvider, ExpressionContextProvider):
        callbacks = [
            name
            for name in vars(provider)
            if name.startswith(("visit_", "leave_")) and name != "visit_Module"
        ]
        if callbacks:
            return False
    dependencies = (
        tuple(ScopeProvider.METADATA_DEPENDENCIES),
        tuple(ExpressionContextProvider.METADATA_DEPENDENCIES),
    )
    if dependencies != ((ExpressionContextProvider,), ()):
        return False
    if not hasattr(ScopeProvider(), "_computed"):
        return False
    if not _context_visitor_matches():
        return False
    return all(_names(owner, name) == names for owner, name, names in _EXPECTED_NAMES)
