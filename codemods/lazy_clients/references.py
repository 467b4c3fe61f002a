"""Where a module reads names: the uses of its import bindings and of its own module-level names.

Built on LibCST's scope analysis, so a parameter or local variable that shadows a name is never
taken for it. Shared by the analysis (facts for the plan) and the rewrite (the nodes to replace).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst
from libcst.metadata import Access, GlobalScope, ImportAssignment

from backfix.cst_scopes import resolve_inner_scopes
from backfix.cst_unit_positions import unit_positions
from backfix.cst_utils import dotted
from backfix.cst_walk import Parents, is_within

from .model import DELETE, LOAD, STORE, Origin

_STORE_PARENTS = (cst.AssignTarget, cst.AugAssign, cst.AnnAssign, cst.For, cst.AsName)


@dataclass
class Ref:
    """One read (or write) of a name: the Name node and the attribute chain built on it."""

    local: str
    #: ``chain[0]`` is the Name, ``chain[k]`` the Attribute with ``k`` attributes read
    chain: list[cst.BaseExpression]
    attrs: tuple[str, ...]
    kind: str
    import_time: bool
    default_argument: bool
    line: int


#: the index :func:`module_index` built last (a one-item list), and so the module it is for
_LAST: list[ModuleIndex] = []


def module_index(module: cst.Module, tree: ast.Module | None = None) -> ModuleIndex:
    """The index of ``module``, built once for the file a worker is on (nodes are immutable, so
    an index never goes stale); ``tree`` as :class:`ModuleIndex` takes it."""
    if not (_LAST and _LAST[0].module is module):
        _LAST[:] = [ModuleIndex(module, tree)]
    return _LAST[0]


class ModuleIndex:
    """The scopes, parents and positions of one module, and the references they give.

    What ``ScopeProvider``, ``ParentNodeProvider`` and ``PositionProvider`` resolve, from the
    engine's cheaper equivalents (:mod:`backfix.cst_metadata`): on a project of large modules the
    metadata wrapper's batched visits were most of a scan. Use :func:`module_index`, which keeps
    the last index: a file's scan and its facts for the plan ask for the same one.

    ``tree`` is `ast` of the module's text, at the same lines (None: the positions come from the
    whole module's code). With it, a position is worked out from the statement around the node,
    and a use's line from `ast` alone where its statement is on one line: a module's facts list
    the line of every use of every import, and generating the whole module for them was most of
    the cost of reading the modules that use a client.
    """

    def __init__(self, module: cst.Module, tree: ast.Module | None = None) -> None:
        self.module = module
        # No token (whitespace, punctuation) is ever looked up: the tables leave them out.
        self.parents = Parents(module, tokens=False)
        self.positions = unit_positions(module, tree, self.parents.by_id)
        scopes = resolve_inner_scopes(module)
        #: in the order the walk met them (a set's order would change from run to run)
        self.scopes = list(dict.fromkeys(s for s in scopes.values() if s is not None))
        self.global_scope = next(s for s in self.scopes if isinstance(s, GlobalScope))

    def line(self, node: cst.CSTNode) -> int:
        """The 1-based line a node starts on."""
        return self.positions.line(node)

    def start(self, node: cst.CSTNode) -> tuple[int, int]:
        """The 1-based line and 0-based column where a node starts."""
        return self.positions.start(node)

    def within(self, node: cst.CSTNode, ancestor: cst.CSTNode) -> bool:
        """Whether ``node`` is ``ancestor`` or inside it."""
        return is_within(node, ancestor, self.parents)

    def import_refs(self) -> Iterator[tuple[Origin, ImportAssignment, Ref]]:
        """Every use of every import binding, with what the binding imports, in the order of
        the uses in the module (LibCST keeps assignments and references in sets)."""
        found: list[tuple[tuple[int, int], Origin, ImportAssignment, Ref]] = []
        for scope in self.scopes:
            for assignment in scope.assignments:
                if not isinstance(assignment, ImportAssignment):
                    continue
                origin = import_origin(assignment)
                if origin is None:
                    continue
                for access in assignment.references:
                    ref = self.ref(access)
                    if ref is not None:
                        found.append((self.start(ref.chain[0]), origin, assignment, ref))
        found.sort(key=lambda item: item[0])
        for _, origin, assignment, ref in found:
            yield origin, assignment, ref

    def global_refs(self, name: str) -> list[Ref]:
        """The uses of a module-level name, in the module and its functions."""
        refs: list[Ref] = []
        seen: set[int] = set()
        for assignment in self.global_scope.assignments[name]:
            for access in assignment.references:
                ref = self.ref(access)
                if ref is not None and id(ref.chain[0]) not in seen:
                    seen.add(id(ref.chain[0]))
                    refs.append(ref)
        refs.sort(key=lambda ref: self.start(ref.chain[0]))
        return refs

    def ref(self, access: Access) -> Ref | None:
        """The reference an access makes, None for a use in a string annotation."""
        node = access.node
        if not isinstance(node, (cst.Name, cst.Attribute)):
            return None
        chain: list[cst.BaseExpression] = [node]
        attrs: list[str] = []
        parent = self.parents.get(node)
        while isinstance(parent, cst.Attribute) and parent.value is chain[-1]:
            chain.append(parent)
            attrs.append(parent.attr.value)
            parent = self.parents.get(parent)
        import_time, default = self._when(node)
        return Ref(
            local=dotted(node),
            chain=chain,
            attrs=tuple(attrs),
            kind=self._kind(chain[-1]),
            import_time=import_time,
            default_argument=default,
            line=self.line(node),
        )

    def _kind(self, node: cst.CSTNode) -> str:
        child, parent = node, self.parents.get(node)
        while isinstance(parent, (cst.Element, cst.Tuple, cst.List, cst.StarredElement)):
            child, parent = parent, self.parents.get(parent)
        if isinstance(parent, cst.Del):
            return DELETE
        if isinstance(parent, _STORE_PARENTS) and getattr(parent, "target", None) is child:
            return STORE
        if isinstance(parent, cst.AsName) and parent.name is child:
            return STORE
        return LOAD

    def _when(self, node: cst.CSTNode) -> tuple[bool, bool]:
        """(runs at import time, is a parameter default) for an expression."""
        default = False
        child, parent = node, self.parents.get(node)
        while parent is not None:
            if isinstance(parent, (cst.FunctionDef, cst.Lambda)) and parent.body is child:
                return False, default
            if isinstance(parent, cst.Param) and parent.default is child:
                default = True
            child, parent = parent, self.parents.get(parent)
        return True, default

    def runs_at_import(self, node: cst.CSTNode) -> bool:
        """Whether an expression is evaluated when the module is imported."""
        return self._when(node)[0]


def import_origin(assignment: ImportAssignment) -> Origin | None:
    """What an import binding refers to (see ``model.Origin``); None for a star import."""
    node = assignment.node
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted(alias.name)
            if alias.asname is not None and dotted(alias.asname.name) == assignment.name:
                return (0, full, ())
            if alias.asname is None and assignment.name in (full, full.split(".")[0]):
                return (0, assignment.name, ())
        return None
    if isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar):
        level = len(node.relative)
        module = dotted(node.module) if node.module is not None else ""
        for alias in node.names:
            local = dotted(alias.asname.name) if alias.asname is not None else dotted(alias.name)
            if local == assignment.name:
                return (level, module, (dotted(alias.name),))
    return None
