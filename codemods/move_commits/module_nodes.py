"""One walk over a module for what the analysis looks up everywhere in it, and the nodes below a
node as a list read from one walk of the code around it.

The parents of every node, the functions, the calls (view registrations and commits) and whether
the module has a relative import each took a walk over the whole module; on a route module every
walk cost about as much as the others together once the tree is parsed.

The analysis asks for the nodes under the same statements many times (classifying a statement,
then the unit it is in, its data flow, its reads...). :class:`Subtrees` walks a node the first
time it is asked about, keeps that walk in pre-order with where each node's subtree ends, and
answers every later question about it or a node below it with a slice.

Both walks leave tokens out (whitespace, comments, operators, punctuation: most of a module's
nodes, see ``backfix.cst_walk.is_token``): the analysis never looks at one, and its facts are
the same with them (``TOKENS``; a test compares both).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

import libcst as cst

from backfix.cst_walk import children, inner_children, with_subclasses

#: whether the walks (and the scope resolution, see ``frameworks.ModuleIndex``) take in tokens;
#: only a test that compares the facts both ways sets it.
TOKENS = False


def exact_types(*kinds: type[cst.CSTNode]) -> frozenset[type]:
    """What ``isinstance(node, kinds)`` accepts, as a set of exact types: ``type(node) in`` it
    costs far less than a failing ``isinstance`` against LibCST's node classes (ABCs)."""
    return with_subclasses(*kinds)


#: nodes that open a scope: a walk that stays in one scope yields them but does not enter them.
SCOPE_TYPES = exact_types(cst.FunctionDef, cst.ClassDef)
NAME_TYPES = exact_types(cst.Name)


@dataclass
class ModuleNodes:
    """Every node's parent; every function definition and call in lexical (pre-)order; how many
    packages up the module's relative imports reach (0: it has none); the subtrees of its nodes,
    from the same walk."""

    #: by ``id()`` of the child (a node's own ``__hash__`` is a Python call); every key is the id
    #: of a node of the module, alive as long as the module is.
    parents: dict[int, cst.CSTNode] = field(default_factory=dict)
    functions: list[cst.FunctionDef] = field(default_factory=list)
    calls: list[cst.Call] = field(default_factory=list)
    relative_level: int = 0
    subtrees: Subtrees = field(default_factory=lambda: Subtrees())


def walk_module(module: cst.Module) -> ModuleNodes:
    """Collect the :class:`ModuleNodes` of ``module`` in one pre-order walk (tokens aside)."""
    step = children if TOKENS else inner_children
    found = ModuleNodes()
    parents = found.parents
    # The module's walk is the first of its `Subtrees` (see `Subtrees._walk`): the analysis
    # asks for the subtrees of most of a route module, which took a second walk over it.
    subtrees = found.subtrees
    order, ends, positions = subtrees.order, subtrees.ends, subtrees.positions
    # A node, or the position of a node whose subtree ends here (pushed below its children).
    stack: list[cst.CSTNode | int] = [module]
    while stack:
        node = stack.pop()
        if isinstance(node, int):  # `int` is no ABC: a cheap check
            ends[node] = len(order)
            continue
        position = len(order)
        positions[id(node)] = position
        order.append(node)
        ends.append(0)
        stack.append(position)
        # Exact types: LibCST's node classes have no subclasses, and `isinstance` against them
        # (abstract classes) costs more than the rest of the loop.
        kind = type(node)
        if kind is cst.Call:
            found.calls.append(node)  # type: ignore[arg-type]
        elif kind is cst.FunctionDef:
            found.functions.append(node)  # type: ignore[arg-type]
        elif kind is cst.ImportFrom and node.relative:  # type: ignore[attr-defined]
            level = len(node.relative)  # type: ignore[attr-defined]
            found.relative_level = max(found.relative_level, level)
        if kind in SCOPE_TYPES:
            subtrees.scope_positions.append(position)
        below = step(node)
        for child in below:
            parents[id(child)] = node
        below.reverse()
        stack.extend(below)
    return found


class Subtrees:
    """The nodes below a node (tokens aside), in pre-order, walked once for it and every node
    under it.

    The walks are kept end to end in one list; a node walked again inside a larger walk is found
    in the newer one. Nodes are immutable, so a node's subtree is the same whichever tree it is
    looked up from.
    """

    def __init__(self) -> None:
        #: every walk, end to end; the subtree of ``order[i]`` is ``order[i:ends[i]]``.
        self.order: list[cst.CSTNode] = []
        self.ends: list[int] = []
        #: position of each walked node in ``order``, by ``id()`` (checked: ``order[p] is node``,
        #: since the id of a node no longer alive may be taken by another).
        self.positions: dict[int, int] = {}
        #: positions of the nodes that open a scope (:data:`SCOPE_TYPES`), ascending.
        self.scope_positions: list[int] = []

    def subtree(self, node: cst.CSTNode, *, into_scopes: bool = True) -> list[cst.CSTNode]:
        """``node`` and every node below it in pre-order (what ``frameworks.iter_nodes``
        yields, tokens aside); without ``into_scopes``, nested definitions and classes are
        listed but not entered."""
        start = self.positions.get(id(node))
        if start is None or self.order[start] is not node:
            start = self._walk(node)
        end = self.ends[start]
        if into_scopes:
            return self.order[start:end]
        scopes = self.scope_positions
        index = bisect_right(scopes, start)
        if index == len(scopes) or scopes[index] >= end:
            return self.order[start:end]
        found: list[cst.CSTNode] = []
        position = start
        while index < len(scopes) and scopes[index] < end:
            inner = scopes[index]
            found += self.order[position : inner + 1]  # up to the definition itself
            position = self.ends[inner]
            index = bisect_right(scopes, position - 1, index)
        found += self.order[position:end]
        return found

    def _walk(self, node: cst.CSTNode) -> int:
        """Walk ``node``, append the walk, return the position of ``node``."""
        order, ends, positions = self.order, self.ends, self.positions
        first = len(order)
        step = children if TOKENS else inner_children
        # A node, or the position of a node whose subtree ends here (pushed below its children).
        stack: list[cst.CSTNode | int] = [node]
        while stack:
            current = stack.pop()
            if isinstance(current, int):  # `int` is no ABC: a cheap check
                ends[current] = len(order)
                continue
            position = len(order)
            positions[id(current)] = position
            order.append(current)
            ends.append(0)
            stack.append(position)
            if type(current) in SCOPE_TYPES:
                self.scope_positions.append(position)
            below = step(current)
            below.reverse()
            stack.extend(below)
        return first
