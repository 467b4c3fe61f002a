"""A read-only visitor that knows each node's parent and position without LibCST's metadata wrapper.

The analysis asks for the parent and the source range of the nodes it meets. LibCST's
``ParentNodeProvider`` answers that with a whole extra pass over the tree (it lists every node's
children, which rebuilds every node), and resolving it through a ``MetadataWrapper`` took about a
third of a scan. The visitor that scans the module already walks every node, so it records the
parent of each node as it enters it, for free: a node's parent is the node being visited when it
is entered, exactly the node whose children LibCST's provider would list it among.
"""

from __future__ import annotations

import dis
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from functools import cache, lru_cache

import libcst as cst

from .model import Key


class TrackingVisitor(cst.CSTVisitor):
    """A visitor that records the parent of every node it enters and reads positions from a table
    (:func:`.positions.positions`).

    Only nodes already entered (the current node, its ancestors and nodes visited before) have a
    parent; the scan never asks about nodes ahead of it. ``positions`` is computed once per module
    and shared by every pass over it.
    """

    def __init__(self, positions: Mapping[cst.CSTNode, Key]) -> None:
        super().__init__()
        self.positions = positions
        self._parents: dict[cst.CSTNode, cst.CSTNode | None] = {}
        self._path: list[cst.CSTNode] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        """Record ``node``'s parent, then run its ``visit_`` method (as ``CSTVisitor`` does)."""
        path = self._path
        self._parents[node] = path[-1] if path else None
        path.append(node)
        visit = _hook(type(self), "visit_", type(node))
        return visit is None or visit(self, node) is not False

    def on_leave(self, original_node: cst.CSTNode) -> None:
        """Run the ``leave_`` method, then step back to the parent."""
        leave = _hook(type(self), "leave_", type(original_node))
        if leave is not None:
            leave(self, original_node)
        self._path.pop()

    def key(self, node: cst.CSTNode) -> Key:
        """The node's source range: start line, start column, end line, end column."""
        return self.positions[node]

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The node's parent, None for the module (and for a node not entered yet)."""
        return self._parents.get(node)


@cache
def _hook(
    visitor_type: type[cst.CSTVisitor], prefix: str, node_type: type[cst.CSTNode]
) -> Callable[[cst.CSTVisitor, cst.CSTNode], bool | None] | None:
    """The ``visit_<Node>``/``leave_<Node>`` function of a visitor class, looked up once."""
    found: Callable[[cst.CSTVisitor, cst.CSTNode], bool | None] | None
    found = getattr(visitor_type, prefix + node_type.__name__, None)
    return found


@cache
def _child_fields(node_type: type[cst.CSTNode]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(fields in the order LibCST visits them, the node's other fields) of a node class.

    Every ``_visit_and_replace_children`` visits its fields as ``visit_*(self, "name", self.name,
    visitor)``, in source order: the field names are read off its bytecode once per class.
    """
    instructions = list(dis.get_instructions(node_type._visit_and_replace_children))
    ordered: list[str] = []
    for const, load, attr in zip(instructions, instructions[1:], instructions[2:], strict=False):
        if (
            const.opname == "LOAD_CONST"
            and isinstance(const.argval, str)
            and load.opname == "LOAD_FAST"
            and load.argval == "self"
            and attr.opname == "LOAD_ATTR"
            and attr.argval == const.argval
            and const.argval not in ordered
        ):
            ordered.append(const.argval)
    others = tuple(f.name for f in fields(node_type) if f.name not in ordered)
    return tuple(ordered), others


#: modules whose nodes are tokens: whitespace, comments, newlines, operators and punctuation.
_TOKEN_MODULES = frozenset({"libcst._nodes.whitespace", "libcst._nodes.op"})
_BRACKETS = (
    cst.LeftParen,
    cst.RightParen,
    cst.LeftSquareBracket,
    cst.RightSquareBracket,
    cst.LeftCurlyBrace,
    cst.RightCurlyBrace,
)
NOT_NODE, TOKEN, NODE = 0, 1, 2
#: what a type is (NOT_NODE, TOKEN, NODE); isinstance() against the abstract CSTNode costs more.
_KINDS: dict[type, int] = {}


def _kind(value_type: type) -> int:
    known = _KINDS.get(value_type)
    if known is None:
        if not issubclass(value_type, cst.CSTNode):
            known = NOT_NODE
        elif value_type.__module__ in _TOKEN_MODULES or issubclass(value_type, _BRACKETS):
            known = TOKEN
        else:
            known = NODE
        _KINDS[value_type] = known
    return known


def is_token(node_type: type[cst.CSTNode]) -> bool:
    """Whitespace, a comment, an operator or punctuation: a node :func:`walk` does not enter."""
    return _kind(node_type) == TOKEN


def _holds_node(value: object) -> bool:
    if _kind(type(value)) != NOT_NODE:
        return True
    return type(value) in _SEQUENCES and any(_kind(type(item)) != NOT_NODE for item in value)  # type: ignore[attr-defined]


#: what LibCST keeps a node's list fields in.
_SEQUENCES = (tuple, list)


def _children(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """``node.children`` less tokens, without rebuilding ``node`` (what makes LibCST's slow)."""
    ordered, others = _child_fields(type(node))
    for name in others:
        if _holds_node(getattr(node, name)):
            # visited some other way (`from x import a, b`): LibCST's list
            return [child for child in node.children if _kind(type(child)) == NODE]
    found: list[cst.CSTNode] = []
    for name in ordered:
        value = getattr(node, name)
        kind = _kind(type(value))
        if kind == NODE:
            found.append(value)
        elif kind == NOT_NODE and type(value) in _SEQUENCES:
            found.extend(item for item in value if _kind(type(item)) == NODE)
    return found


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """``node.visit(visitor)`` for a visitor that only reads and ignores tokens: the same
    ``on_visit``/``on_leave`` calls in the same order for every node but whitespace, comments,
    operators and punctuation (:func:`is_token`), without LibCST rebuilding every node on the way
    back up. Tokens hold nothing but other tokens, so no other node is skipped.

    Per-attribute hooks (``visit_Call_func``) are not called: no visitor here defines one.
    """
    _check_visitor(type(visitor))
    _walk(node, visitor)


def _walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    if visitor.on_visit(node):
        for child in _children(node):
            _walk(child, visitor)
    visitor.on_leave(node)


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


#: LibCST's visitor classes (they define a do-nothing hook for every node and attribute).
_BASE_CLASSES = frozenset(cst.CSTVisitor.__mro__)
