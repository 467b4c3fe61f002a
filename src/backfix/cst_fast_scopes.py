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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import cast

import libcst as cst
from libcst.metadata import ExpressionContext, ExpressionContextProvider, Scope, ScopeProvider
from libcst.metadata.expression_context_provider import ExpressionContextVisitor
from libcst.metadata.scope_provider import _ASSIGNMENT_LIKE_NODES, ScopeVisitor

from backfix.cst_walk import with_subclasses

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


class _ScopeVisitor(_CachedCallbacks, ScopeVisitor):
    """``ScopeProvider``'s visitor with cached callbacks."""

    def __init__(self, provider: ScopeProvider) -> None:
        ScopeVisitor.__init__(self, provider)
        self._start_callbacks()

    def on_leave(self, original_node: cst.CSTNode) -> None:
        # `ScopeVisitor.on_leave`, with an exact-type test for its `isinstance`.
        self.provider.set_metadata(original_node, self.scope)
        if type(original_node) in _ASSIGNMENT_LIKE:
            self.scope._assignment_count += 1
        _CachedCallbacks.on_leave(self, original_node)


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
    # What `MetadataDependent.resolve` hands a provider: its dependency's metadata.
    scopes.metadata = {ExpressionContextProvider: resolve_contexts(module)}
    visitor = _ScopeVisitor(scopes)  # `ScopeProvider.visit_Module`
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
    (
        ExpressionContextProvider,
        "visit_Module",
        frozenset({"visit", "ExpressionContextVisitor", "ExpressionContext", "LOAD"}),
    ),
    (cst.CSTVisitor, "on_visit", _CALLBACK_NAMES),
    (cst.CSTVisitor, "on_leave", _CALLBACK_NAMES),
    (cst.CSTVisitor, "on_visit_attribute", _CALLBACK_NAMES),
    (cst.CSTVisitor, "on_leave_attribute", _CALLBACK_NAMES),
]


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
    return all(_names(owner, name) == names for owner, name, names in _EXPECTED_NAMES)
