"""A read-only visitor that knows each node's parent and position without LibCST's metadata wrapper.

The analysis asks for the parent and the source range of the nodes it meets. LibCST's
``ParentNodeProvider`` answers that with a whole extra pass over the tree (it lists every node's
children, which rebuilds every node), and resolving it through a ``MetadataWrapper`` took about a
third of a scan. The visitor that scans the module already walks every node, so it records the
parent of each node as it enters it, for free: a node's parent is the node being visited when it
is entered, exactly the node whose children LibCST's provider would list it among.
"""

from __future__ import annotations

from collections.abc import Mapping

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
        """Record ``node``'s parent before its ``visit_`` method runs."""
        path = self._path
        self._parents[node] = path[-1] if path else None
        path.append(node)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        """Run the ``leave_`` method, then step back to the parent."""
        super().on_leave(original_node)
        self._path.pop()

    def key(self, node: cst.CSTNode) -> Key:
        """The node's source range: start line, start column, end line, end column."""
        return self.positions[node]

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The node's parent, None for the module (and for a node not entered yet)."""
        return self._parents.get(node)
