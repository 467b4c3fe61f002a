"""Cheap read-only walks over LibCST trees: a node's children, parents, and visits that rebuild nothing.

LibCST's ``node.children`` and ``node.visit(visitor)`` both run the node's
``_visit_and_replace_children``, which builds (and validates) a new copy of the node every time, even
for a visitor that only reads; walking a module that way cost a third of a codemod's analysis. The
children are plain dataclass fields, so reading them is enough. Which fields hold children, and in
which (lexical) order, is learned once per node type from LibCST itself: the same
``_visit_and_replace_children`` announces each field it visits through ``on_visit_attribute``, so the
order is LibCST's own and :func:`children` equals ``node.children``.

Two ways to walk, for two kinds of read-only visitor:

- :func:`read_only_visits`: within the block, every ``CSTVisitor`` (LibCST's metadata providers too)
  gets every callback it would get from LibCST, attribute hooks included.
- :func:`walk`: one visitor, tokens skipped (whitespace, comments, operators, punctuation: see
  :func:`is_token`), for scanners that never look at them; :class:`TrackingVisitor` records parents
  on the way.
"""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache, lru_cache
from typing import Any, ClassVar

import libcst as cst

from backfix.cst_positions import SAMPLE, Positions, Span
from backfix.libcst_verdicts import remembered

_ABSENT = cst.MaybeSentinel.DEFAULT

#: per node type, the names of the fields LibCST visits, in visiting (lexical) order.
_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}
#: per node type that skips a field when it is None (an f-string's ``format_spec``): the orders
#: learned so far, each with the fields it lacks, which must be None in a node it is used for.
_PARTIAL: dict[type[cst.CSTNode], list[tuple[tuple[str, ...], tuple[str, ...]]]] = {}


class _FieldRecorder(cst.CSTVisitor):
    """Records the fields of one node as LibCST visits them, without descending into children."""

    def __init__(self) -> None:
        super().__init__()
        self.fields: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return False

    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        if attribute not in self.fields:
            self.fields.append(attribute)

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None


def _fields(node: cst.CSTNode) -> tuple[str, ...]:
    """The fields of ``node`` that LibCST visits, in order, learned once per node type."""
    kind = type(node)
    known = _FIELDS.get(kind)
    if known is not None:
        return known
    for order, lacking in _PARTIAL.get(kind, ()):
        if all(getattr(node, name) is None for name in lacking):
            return order
    recorder = _FieldRecorder()
    node._visit_and_replace_children(recorder)
    order = tuple(recorder.fields)
    lacking = tuple(
        name for name in _node_fields(kind) if name not in order and getattr(node, name) is None
    )
    if lacking:
        _PARTIAL.setdefault(kind, []).append((order, lacking))
    else:
        _FIELDS[kind] = order
    return order


@cache
def _node_fields(node_type: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of a node type that can hold a node, by their annotations."""
    hints = _hints(node_type)
    return tuple(
        f.name
        for f in dataclasses.fields(node_type)
        if any(issubclass(klass, cst.CSTNode) for klass in _classes(hints.get(f.name, cst.CSTNode)))
    )


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The node's immediate children in lexical order: the same list as ``node.children``."""
    if not trusted():
        return list(node.children)
    return _children(node)


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []
    fields = _FIELDS.get(type(node))
    for name in _fields(node) if fields is None else fields:
        value = getattr(node, name)
        # A visited field holds a node, a sequence of nodes, None or MaybeSentinel; testing the
        # plain types first avoids `isinstance` against the CSTNode ABC, the slow part.
        if value is None or value is _ABSENT:
            continue
        if type(value) is tuple or type(value) is list:
            found.extend(value)
        else:
            found.append(value)
    return found


def inner_children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The node's immediate children that are not tokens (:func:`is_token`), in lexical order."""
    if not trusted():
        return [child for child in node.children if not is_token(type(child))]
    found: list[cst.CSTNode] = []
    plan = _PLANS.get(type(node))
    for name, check in _plan(node) if plan is None else plan:
        value = getattr(node, name)
        if value is None or value is _ABSENT:
            continue
        if type(value) is tuple or type(value) is list:
            found.extend(item for item in value if not (check and is_token(type(item))))
        elif not (check and is_token(type(value))):
            found.append(value)
    return found


class Parents(Mapping[cst.CSTNode, cst.CSTNode]):
    """Every node's parent in one tree, tokens included, as ``ParentNodeProvider`` resolves it (the
    root has none): ``parents[node]``, ``parents.get(node)``. Built by one walk over
    :func:`children` and looked up by identity, without the metadata wrapper's batched visit.

    With ``tokens=False`` only the nodes that are not tokens (:func:`is_token`) are in the table,
    each with the same parent; tokens hold nothing but tokens, so it is a third as big, for a scan
    that never asks about a token.
    """

    __slots__ = ("_nodes", "_parents", "root")

    def __init__(self, root: cst.CSTNode, *, tokens: bool = True) -> None:
        self.root = root  # keeps the nodes, and so their ids, alive
        # by id(): a CSTNode's own __hash__ is a Python call
        self._parents: dict[int, cst.CSTNode] = {}
        self._nodes: list[cst.CSTNode] = []
        step = children if tokens else inner_children
        stack = [root]
        while stack:
            node = stack.pop()
            for child in step(node):
                self._parents[id(child)] = node
                self._nodes.append(child)
                stack.append(child)

    def __getitem__(self, node: cst.CSTNode) -> cst.CSTNode:
        return self._parents[id(node)]

    def __contains__(self, node: object) -> bool:
        return id(node) in self._parents

    def get(self, node: cst.CSTNode, default: Any = None) -> Any:
        """The node's parent, or ``default`` for the root and for nodes of other trees."""
        return self._parents.get(id(node), default)

    @property
    def by_id(self) -> Mapping[int, cst.CSTNode]:
        """The same table keyed by ``id`` of the child (what :mod:`backfix.cst_unit_positions`
        looks parents up by)."""
        return self._parents

    def __iter__(self) -> Iterator[cst.CSTNode]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)


def is_within(
    node: cst.CSTNode, ancestor: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]
) -> bool:
    """Whether ``node`` is ``ancestor`` or below it, following ``parents`` (a node's parent, as
    ``ParentNodeProvider`` or a walk over :func:`children` give it)."""
    current: cst.CSTNode | None = node
    while current is not None:
        if current is ancestor:
            return True
        current = parents.get(current)
    return False


_library_visit = cst.CSTNode.visit


def _read_only_visit(self: cst.CSTNode, visitor: Any) -> Any:
    """``CSTNode.visit`` for a read-only visitor: the same callbacks in the same order, without
    building a copy of every node (LibCST's own visit rebuilds each node it leaves).

    The attribute callbacks (``visit_<Node>_<field>``) are left out for the node types the visitor
    has none for: LibCST would only call its do-nothing defaults there.
    """
    if not isinstance(visitor, cst.CSTVisitor):
        return _library_visit(self, visitor)
    if visitor.on_visit(self):
        kind = type(self)
        fields = _FIELDS.get(kind)
        hooked = _attribute_hooks(type(visitor))
        if hooked is None or kind.__name__ in hooked:
            for name in _fields(self) if fields is None else fields:
                value = getattr(self, name)
                visitor.on_visit_attribute(self, name)
                if type(value) is tuple or type(value) is list:
                    for item in value:
                        item.visit(visitor)
                elif value is not None and value is not _ABSENT:
                    value.visit(visitor)
                visitor.on_leave_attribute(self, name)
        else:
            for name in _fields(self) if fields is None else fields:
                value = getattr(self, name)
                if type(value) is tuple or type(value) is list:
                    for item in value:
                        item.visit(visitor)
                elif value is not None and value is not _ABSENT:
                    value.visit(visitor)
    visitor.on_leave(self)
    return self


#: per visitor class, the node types (by name) it has attribute callbacks for; None: any may have.
_ATTRIBUTE_HOOKS: dict[type, frozenset[str] | None] = {}


def _attribute_hooks(visitor_type: type) -> frozenset[str] | None:
    """The names of the node types a visitor class has ``visit_<Node>_<field>`` or
    ``leave_<Node>_<field>`` callbacks for (LibCST's do-nothing defaults aside); None when it
    handles attribute visits itself (its own ``on_visit_attribute``), which may do anything, unless
    it declares ``ATTRIBUTE_HOOKS_BY_NAME`` (it only calls those callbacks, as LibCST's does)."""
    if visitor_type in _ATTRIBUTE_HOOKS:
        return _ATTRIBUTE_HOOKS[visitor_type]
    found: frozenset[str] | None = None
    if getattr(visitor_type, "ATTRIBUTE_HOOKS_BY_NAME", False) or all(
        getattr(visitor_type, name) is getattr(cst.CSTVisitor, name)
        for name in ("on_visit_attribute", "on_leave_attribute")
    ):
        found = frozenset(
            name.split("_")[1]
            for name in dir(visitor_type)
            if name.count("_") >= 2
            and name.startswith(("visit_", "leave_"))
            and not getattr(getattr(visitor_type, name), "_is_no_op", False)
        )
    _ATTRIBUTE_HOOKS[visitor_type] = found
    return found


def _read_only_visit_without_tokens(self: cst.CSTNode, visitor: Any) -> Any:
    """:func:`_read_only_visit` that does not enter tokens (:func:`is_token`) below ``self``,
    for a visitor that has no callback for them (:func:`_token_skipping`); other visitors get
    every callback. A node type the visitor has attribute callbacks for is visited whole (its
    tokens too), so that each of them is called as LibCST calls it."""
    visitor_type = type(visitor)
    whole = _WHOLE.get(visitor_type, _UNKNOWN)
    if whole is _UNKNOWN:
        whole = _WHOLE[visitor_type] = _token_skipping(visitor_type)
    kind = type(self)
    if whole is None or kind.__name__ in whole:
        return _read_only_visit(self, visitor)
    if visitor.on_visit(self):
        plan = _PLANS.get(kind)
        # Only the fields that can hold something but a token; `check`: it may hold a token too.
        for name, check in _plan(self) if plan is None else plan:
            value = getattr(self, name)
            if value is None or value is _ABSENT:
                continue
            if type(value) is tuple or type(value) is list:
                for item in value:
                    if not (check and is_token(type(item))):
                        item.visit(visitor)
            elif not (check and is_token(type(value))):
                value.visit(visitor)
    visitor.on_leave(self)
    return self


#: per visitor class (looked up on every node), what :func:`_token_skipping` says.
_WHOLE: dict[type, frozenset[str] | None] = {}


def _token_skipping(visitor_type: type) -> frozenset[str] | None:
    """For a visitor class that can skip tokens, the names of the node types to visit whole
    (it has attribute callbacks for them); None for one that cannot: not a ``CSTVisitor``,
    one with a callback of its own for a token type (``visit_Comma``,
    ``leave_Comma_whitespace_after``), or one that handles attribute visits itself."""
    if not issubclass(visitor_type, cst.CSTVisitor):
        return None
    for name in dir(visitor_type):
        prefix, _, rest = name.partition("_")
        if prefix not in {"visit", "leave"} or not rest:
            continue
        node_type = getattr(cst, rest.split("_")[0], None)
        if (
            isinstance(node_type, type)
            and issubclass(node_type, cst.CSTNode)
            and is_token(node_type)
            and not getattr(getattr(visitor_type, name), "_is_no_op", False)
        ):
            return None
    return _attribute_hooks(visitor_type)


@contextmanager
def read_only_visits(*, tokens: bool = True) -> Iterator[None]:
    """Within the block, visitors (not transformers) walk trees without rebuilding them.

    With ``tokens=False``, a visitor without callbacks for tokens does not visit them either:
    its ``on_visit``/``on_leave`` are called for every node but tokens (:func:`is_token`), in
    the same order. (LibCST's metadata providers record something for every node they leave:
    the scope provider then has no scope for a token.)
    """
    if not trusted():
        yield
        return
    visit = _read_only_visit if tokens else _read_only_visit_without_tokens
    cst.CSTNode.visit = visit  # type: ignore[method-assign]
    try:
        yield
    finally:
        cst.CSTNode.visit = _library_visit  # type: ignore[method-assign]


# --- tokens ----------------------------------------------------------------------------------------

#: whitespace, comments and newlines: every concrete node type of LibCST's whitespace module.
WHITESPACE: tuple[type[cst.CSTNode], ...] = (
    cst.SimpleWhitespace,
    cst.ParenthesizedWhitespace,
    cst.TrailingWhitespace,
    cst.EmptyLine,
    cst.Newline,
    cst.Comment,
)
#: parentheses, square brackets and curly braces.
BRACKETS: tuple[type[cst.CSTNode], ...] = (
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
)
#: LibCST's modules of whitespace (:data:`WHITESPACE`) and of operators and punctuation (``Comma``,
#: ``Add``, ``ImportStar``...).
_TOKEN_MODULES = frozenset({"libcst._nodes.whitespace", "libcst._nodes.op"})
#: per node type: is it a token?
_TOKENS: dict[type, bool] = {}


def is_token(node_type: type[cst.CSTNode]) -> bool:
    """Whitespace, a comment, an operator or punctuation: a node :func:`walk` does not enter.

    Tokens hold nothing but other tokens.
    """
    known = _TOKENS.get(node_type)
    if known is None:
        known = node_type.__module__ in _TOKEN_MODULES or issubclass(node_type, BRACKETS)
        _TOKENS[node_type] = known
    return known


#: what a field of a node type can hold, by its annotation: only tokens (not walked), never a token
#: (walked without a check), or either (each value checked).
_TOKENS_ONLY, _NO_TOKENS, _EITHER = 0, 1, 2
#: per node type, its fields that may hold a node that is not a token, in lexical order, and whether
#: each value must be checked.
_PLANS: dict[type[cst.CSTNode], tuple[tuple[str, bool], ...]] = {}


def _plan(node: cst.CSTNode) -> tuple[tuple[str, bool], ...]:
    kind = type(node)
    fields = _fields(node)
    plan = _plan_of(kind, fields)
    if _FIELDS.get(kind) is fields:  # learned for every instance of the type
        _PLANS[kind] = plan
    return plan


@cache
def _plan_of(kind: type[cst.CSTNode], fields: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    hints = _hints(kind)
    return tuple(
        (name, holds == _EITHER)
        for name in fields
        if (holds := _holds(hints.get(name, cst.CSTNode))) != _TOKENS_ONLY
    )


@cache
def _hints(node_type: type[cst.CSTNode]) -> dict[str, Any]:
    """The field annotations of a node type (empty where they cannot be resolved)."""
    try:
        return typing.get_type_hints(node_type)
    except (NameError, TypeError):  # a forward reference it cannot resolve
        return {}


def _holds(annotation: Any) -> int:
    """What a field annotated ``annotation`` can hold: ``_TOKENS_ONLY``, ``_NO_TOKENS`` or ``_EITHER``."""
    kinds = {_class_holds(klass) for klass in _classes(annotation)} - {None}
    if not kinds:
        return _NO_TOKENS
    return kinds.pop() if len(kinds) == 1 else _EITHER  # type: ignore[return-value]


def _classes(annotation: Any) -> Iterator[Any]:
    """The classes an annotation names (``Sequence[A] | B | MaybeSentinel``: A, B, MaybeSentinel);
    anything else it holds (a forward reference) as ``CSTNode``, which may be a token or not."""
    origin = typing.get_origin(annotation)
    if origin is typing.Literal:
        return
    if origin is None:
        yield annotation if isinstance(annotation, type) else cst.CSTNode
        return
    for argument in typing.get_args(annotation):
        yield from _classes(argument)


@cache
def _class_holds(klass: type) -> int | None:
    """Whether the class and all its subclasses are tokens (None: not a node at all)."""
    if not issubclass(klass, cst.CSTNode):
        return None
    kinds = {is_token(sub) for sub in with_subclasses(klass)}
    return _EITHER if len(kinds) > 1 else _TOKENS_ONLY if kinds.pop() else _NO_TOKENS


def with_subclasses(*kinds: type) -> frozenset[type]:
    """``kinds`` and every class derived from them."""
    found: set[type] = set()
    stack = list(kinds)
    while stack:
        kind = stack.pop()
        if kind not in found:
            found.add(kind)
            stack.extend(kind.__subclasses__())
    return frozenset(found)


#: the nodes statements are found in: the module, compound statements and the parts of them that
#: hold statements (a statement is never inside an expression); a walk looking for statements
#: enters these only
STATEMENT_HOLDERS = with_subclasses(
    cst.Module,
    cst.BaseCompoundStatement,
    cst.IndentedBlock,
    cst.Else,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Finally,
    cst.MatchCase,
)


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """``node.visit(visitor)`` for a visitor that only reads and ignores tokens: the same
    ``on_visit``/``on_leave`` calls in the same order for every node but tokens (:func:`is_token`),
    without LibCST rebuilding every node on the way back up. Tokens hold nothing but other tokens,
    so no other node is skipped.

    Per-attribute hooks (``visit_Call_func``) are not called: a visitor that defines one, or a hook
    for a token, is refused.
    """
    _check_visitor(type(visitor))
    if trusted():
        _walk(node, visitor)
    else:
        _library_walk(node, visitor)


def _library_walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """:func:`walk` through LibCST's own ``children`` (slower: it rebuilds every node)."""
    if visitor.on_visit(node):
        for child in node.children:
            if not is_token(type(child)):
                _library_walk(child, visitor)
    visitor.on_leave(node)


def _walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    if visitor.on_visit(node):
        plan = _PLANS.get(type(node))
        # Only the fields that can hold something but a token; `check`: it may hold a token too.
        for name, check in _plan(node) if plan is None else plan:
            value = getattr(node, name)
            if value is None or value is _ABSENT:
                continue
            if type(value) is tuple or type(value) is list:
                for item in value:
                    if not (check and is_token(type(item))):
                        _walk(item, visitor)
            elif not (check and is_token(type(value))):
                _walk(value, visitor)
    visitor.on_leave(node)


#: a visitor class's ``visit_<Node>`` or ``leave_<Node>`` functions, by node type, as looked up.
_Hooks = dict[type[cst.CSTNode], Callable[[Any, Any], bool | None] | None]
#: LibCST's visitor classes (they define a do-nothing hook for every node and attribute).
_BASE_CLASSES = frozenset(cst.CSTVisitor.__mro__)


@lru_cache(maxsize=256)  # visitor classes defined inside functions are new on every call
def _check_visitor(visitor_type: type[cst.CSTVisitor]) -> None:
    """A visitor with a hook for a token or for an attribute would miss calls in :func:`walk`."""
    for klass in visitor_type.__mro__:
        if klass in _BASE_CLASSES:
            break
        for name in vars(klass):
            prefix, _, rest = name.partition("_")
            if prefix not in {"visit", "leave"} or not rest:
                continue
            node_type = getattr(cst, rest.split("_")[0], None)
            if "_" in rest or (isinstance(node_type, type) and is_token(node_type)):
                raise TypeError(f"{visitor_type.__name__}.{name}: walk() does not call this hook")


class WalkVisitor(cst.CSTVisitor):
    """A read-only visitor for :func:`walk`: the same ``visit_<Node>``/``leave_<Node>`` calls as
    ``CSTVisitor``, dispatched through a table per class instead of a name look-up per node.

    The hooks are the class's functions (a hook set on an instance is not seen).
    """

    _visits: ClassVar[_Hooks] = {}
    _leaves: ClassVar[_Hooks] = {}

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._visits, cls._leaves = {}, {}

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Run the node's ``visit_`` method; False: do not enter it."""
        kind = type(node)
        visit = self._visits.get(kind, _UNKNOWN)
        if visit is _UNKNOWN:
            visit = self._visits[kind] = _hook(type(self), "visit_", kind)
        return visit is None or visit(self, node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        """Run the node's ``leave_`` method."""
        kind = type(original_node)
        leave = self._leaves.get(kind, _UNKNOWN)
        if leave is _UNKNOWN:
            leave = self._leaves[kind] = _hook(type(self), "leave_", kind)
        if leave is not None:
            leave(self, original_node)


class OwnScopeVisitor(WalkVisitor):
    """A :class:`WalkVisitor` that stays in the scope it starts in: nested functions, classes
    and lambdas are not entered (what they hold belongs to another scope)."""

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


class _YieldFinder(OwnScopeVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Yield(self, node: cst.Yield) -> None:
        self.found = True


def yields(body: cst.CSTNode) -> bool:
    """Whether a function ``body`` suspends at a ``yield`` of its own (LibCST's ``Yield`` is
    also ``yield from``), not of a nested function, lambda or class."""
    finder = _YieldFinder()
    walk(body, finder)
    return finder.found


class TrackingVisitor(WalkVisitor):
    """A visitor for :func:`walk` that records the parent of every node it enters and reads
    positions from a table (:func:`backfix.cst_positions.positions`).

    A node's parent is the node being visited when it is entered: exactly the node whose children
    LibCST's ``ParentNodeProvider`` would list it among, for free. Only nodes already entered (the
    current node, its ancestors and nodes visited before) have a parent; a scan never asks about
    nodes ahead of it. ``positions`` can be computed once per module and shared by every pass.
    """

    def __init__(self, positions: Positions) -> None:
        super().__init__()
        self.positions = positions
        # by id(): a CSTNode's own __hash__ is a Python call
        self._parents: dict[int, cst.CSTNode | None] = {}
        self._path: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Record ``node``'s parent, then run its ``visit_`` method."""
        path = self._path
        self._parents[id(node)] = path[-1] if path else None
        path.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        """Run the ``leave_`` method, then step back to the parent."""
        super().on_leave(original_node)
        self._path.pop()

    def key(self, node: cst.CSTNode) -> Span:
        """The node's source range: start line, start column, end line, end column."""
        return self.positions[node]

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The node's parent, None for the module (and for a node not entered yet)."""
        return self._parents.get(id(node))


_UNKNOWN: Any = object()


def _hook(
    visitor_type: type[cst.CSTVisitor], prefix: str, node_type: type[cst.CSTNode]
) -> Callable[[Any, Any], bool | None] | None:
    """The ``visit_<Node>``/``leave_<Node>`` function of a visitor class; None where it is
    LibCST's do-nothing default."""
    name = prefix + node_type.__name__
    found: Callable[[Any, Any], bool | None] | None = getattr(visitor_type, name, None)
    if found is not None and found is getattr(cst.CSTVisitor, name, None):
        return None
    return found


# --- the check that LibCST's internals are as assumed ----------------------------------------------


class _Calls(cst.CSTVisitor):
    """Every on_visit/on_leave call but tokens', in order."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[tuple[bool, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        if not is_token(type(node)):
            self.calls.append((True, id(node)))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        if not is_token(type(original_node)):
            self.calls.append((False, id(original_node)))


@remembered
def trusted() -> bool:
    """Whether this LibCST behaves as the cheap walks assume, checked once per process.

    They rely on LibCST internals (``_visit_and_replace_children`` announcing each field it
    visits, the fields' annotations) that a newer LibCST may change: on a sample of most node
    types, :func:`children` must give ``node.children`` and :func:`walk` the calls of
    ``node.visit``. Where they do not, every function here falls back to LibCST's own (slower)
    ``children`` and ``visit``: a new LibCST makes a scan slower, never wrong.
    """
    try:
        module = cst.parse_module(SAMPLE)
        stack: list[cst.CSTNode] = [module]
        while stack:
            node = stack.pop()
            expected = node.children
            got = _children(node)
            if len(got) != len(expected) or any(
                a is not b for a, b in zip(got, expected, strict=True)
            ):
                return False
            stack.extend(expected)
        cheap, library = _Calls(), _Calls()
        _walk(module, cheap)
        module.visit(library)
    except Exception:  # whatever broke, LibCST's own walk is the answer
        return False
    return cheap.calls == library.calls
