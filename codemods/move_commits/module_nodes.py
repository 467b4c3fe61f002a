"""One walk over a module for what the analysis looks up everywhere in it.

The parents of every node, the functions, the calls (view registrations and commits) and whether
the module has a relative import each took a walk over the whole module; on a route module every
walk cost about as much as the others together once the tree is parsed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from backfix.cst_walk import children


@dataclass
class ModuleNodes:
    """Every node's parent; every function definition and call in lexical (pre-)order; whether
    the module has a relative import."""

    parents: dict[cst.CSTNode, cst.CSTNode] = field(default_factory=dict)
    functions: list[cst.FunctionDef] = field(default_factory=list)
    calls: list[cst.Call] = field(default_factory=list)
    relative_import: bool = False


def walk_module(module: cst.Module) -> ModuleNodes:
    """Collect the :class:`ModuleNodes` of ``module`` in one pre-order walk."""
    found = ModuleNodes()
    parents = found.parents
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        # Exact types: LibCST's node classes have no subclasses, and `isinstance` against them
        # (abstract classes) costs more than the rest of the loop.
        kind = type(node)
        if kind is cst.Call:
            found.calls.append(node)  # type: ignore[arg-type]
        elif kind is cst.FunctionDef:
            found.functions.append(node)  # type: ignore[arg-type]
        elif kind is cst.ImportFrom and node.relative:  # type: ignore[attr-defined]
            found.relative_import = True
        below = children(node)
        for child in below:
            parents[child] = node
        below.reverse()
        stack.extend(below)
    return found
