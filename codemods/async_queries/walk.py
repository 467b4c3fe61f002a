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
from functools import cache

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


#: whether a type is a CSTNode: isinstance() against that abstract class costs more than a lookup.
_NODE_TYPES: dict[type, bool] = {}


def _is_node_type(value_type: type) -> bool:
    known = _NODE_TYPES.get(value_type)
    if known is None:
        known = _NODE_TYPES[value_type] = issubclass(value_type, cst.CSTNode)
    return known


def _holds_node(value: object) -> bool:
    if _is_node_type(type(value)):
        return True
    return type(value) in _SEQUENCES and any(_is_node_type(type(item)) for item in value)  # type: ignore[attr-defined]


#: what LibCST keeps a node's list fields in.
_SEQUENCES = (tuple, list)


def _children(node: cst.CSTNode) -> Sequence[cst.CSTNode]:
    """``node.children`` without rebuilding ``node`` (which is what makes LibCST's version slow)."""
    ordered, others = _child_fields(type(node))
    for name in others:
        if _holds_node(getattr(node, name)):
            return node.children  # visited some other way (`from x import a, b`): LibCST's list
    found: list[cst.CSTNode] = []
    for name in ordered:
        value = getattr(node, name)
        if _is_node_type(type(value)):
            found.append(value)
        elif type(value) in _SEQUENCES:
            found.extend(item for item in value if _is_node_type(type(item)))
    return found


def walk(node: cst.CSTNode, visitor: cst.CSTVisitor) -> None:
    """``node.visit(visitor)`` for a visitor that only reads: the same ``on_visit``/``on_leave``
    calls in the same order, without LibCST rebuilding every node on the way back up.

    Per-attribute hooks (``visit_Call_func``) are not called: no visitor here defines one.
    """
    if visitor.on_visit(node):
        for child in _children(node):
            walk(child, visitor)
    visitor.on_leave(node)
