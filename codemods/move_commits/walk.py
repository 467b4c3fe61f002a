"""A cheap walk over LibCST trees: each node's children without rebuilding the node.

LibCST's ``node.children`` collects the children by running the node's ``_visit_and_replace_children``,
which builds (and validates) a new copy of the node on every call; walking a tree through it cost
about a third of this codemod's analysis. The children are plain dataclass fields, so reading them is
enough. Which fields hold children, and in which (lexical) order, is learned once per node type from
LibCST itself: the same ``_visit_and_replace_children`` announces each field it visits through
``on_visit_attribute``, so the order is LibCST's own and ``children(node)`` equals ``node.children``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import libcst as cst

_ABSENT = cst.MaybeSentinel.DEFAULT

#: per node type, the names of the fields LibCST visits, in visiting (lexical) order.
_FIELDS: dict[type[cst.CSTNode], tuple[str, ...]] = {}


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
    kind = type(node)
    fields = _FIELDS.get(kind)
    if fields is None:
        recorder = _FieldRecorder()
        node._visit_and_replace_children(recorder)
        fields = tuple(recorder.fields)
        # A few types skip a field that is None (an f-string's `format_spec`): learn their order
        # from an instance where every field was visited.
        if not any(
            getattr(node, f.name) is None and f.name not in fields for f in dataclasses.fields(node)
        ):
            _FIELDS[kind] = fields
    return fields


def children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The node's immediate children in lexical order: the same list as ``node.children``."""
    found: list[cst.CSTNode] = []
    for name in _FIELDS.get(type(node)) or _fields(node):
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


def parent_map(root: cst.CSTNode) -> dict[cst.CSTNode, cst.CSTNode]:
    """Every node under ``root`` mapped to its parent: what LibCST's ``ParentNodeProvider``
    resolves, from one cheap walk (the provider visits every node and then rebuilds each one
    once more for its ``children``)."""
    parents: dict[cst.CSTNode, cst.CSTNode] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        below = children(node)
        for child in below:
            parents[child] = node
        stack.extend(below)
    return parents


_library_visit = cst.CSTNode.visit


def _read_only_visit(self: cst.CSTNode, visitor: Any) -> Any:
    """``CSTNode.visit`` for a read-only visitor: the same callbacks in the same order, without
    building a copy of every node (LibCST's own visit rebuilds each node it leaves)."""
    if not isinstance(visitor, cst.CSTVisitor):
        return _library_visit(self, visitor)
    if visitor.on_visit(self):
        for name in _FIELDS.get(type(self)) or _fields(self):
            value = getattr(self, name)
            visitor.on_visit_attribute(self, name)
            if type(value) is tuple or type(value) is list:
                for item in value:
                    item.visit(visitor)
            elif value is not None and value is not _ABSENT:
                value.visit(visitor)
            visitor.on_leave_attribute(self, name)
    visitor.on_leave(self)
    return self


@contextmanager
def read_only_visits() -> Iterator[None]:
    """Within the block, visitors (not transformers) walk trees without rebuilding them."""
    cst.CSTNode.visit = _read_only_visit  # type: ignore[method-assign]
    try:
        yield
    finally:
        cst.CSTNode.visit = _library_visit  # type: ignore[method-assign]
