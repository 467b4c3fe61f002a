"""What a file binds: the names it imports (anywhere in it) and the names it binds at module level.

These are all the plan reads of a file an import chain only passes through (``resolve.Index``
follows a name from import to import until a file defines it). The full analysis
(``analyze.Analyzer``) records them with the same :class:`ModuleNames` as :func:`module_names`,
which visits the statements alone and needs no metadata: a small part of the analysis' cost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import libcst as cst

from backfix.cst_utils import dotted
from backfix.cst_walk import STATEMENT_HOLDERS, children

from .model import ImportRef

#: the part of a file's facts (``ProjectContext.facts_for_all(paths, part=BINDINGS)``) that is
#: its :class:`Bindings`
BINDINGS = "bindings"
#: the nodes a walk for imports and module-level names enters: those statements are in, and the
#: statement lines holding the small statements
_HOLDERS = STATEMENT_HOLDERS | {cst.SimpleStatementLine, cst.SimpleStatementSuite}


@dataclass(frozen=True)
class Bindings:
    """A file's imports and module-level names, as its :class:`~.model.FileData` has them."""

    imports: dict[str, ImportRef]
    top_names: frozenset[str]
    #: ``from <module> import *`` at module level (``name`` "*")
    stars: tuple[ImportRef, ...] = ()


class ModuleNames:
    """Imports and module-level names, collected statement by statement in the file's order.

    ``top`` says whether the statement is at module level (outside every function and class; a
    module-level ``if`` or ``try`` counts as module level).
    """

    def __init__(self) -> None:
        self.imports: dict[str, ImportRef] = {}
        self.top_names: set[str] = set()
        self.stars: list[ImportRef] = []

    def add_import(self, node: cst.Import, *, top: bool) -> None:
        """``import a.b`` (binds ``a``), ``import a.b as c``."""
        for alias in node.names:
            name = dotted(alias.name)
            bound = alias.asname.name if alias.asname else None
            if isinstance(bound, cst.Name):
                self.imports[bound.value] = ImportRef(name, 0, "")
            else:
                self.imports[name.split(".")[0]] = ImportRef(name.split(".")[0], 0, "")
        if top:
            self.top_names.update(self.imports)

    def add_import_from(self, node: cst.ImportFrom, *, top: bool) -> None:
        """``from <level dots><module> import name as bound`` (not ``*``)."""
        module = dotted(node.module) if node.module else ""
        if isinstance(node.names, cst.ImportStar):
            if top:
                self.stars.append(ImportRef(module, len(node.relative), "*"))
            return
        for alias in node.names:
            name = dotted(alias.name)
            bound = alias.asname.name if alias.asname else None
            key = bound.value if isinstance(bound, cst.Name) else name
            self.imports[key] = ImportRef(module, len(node.relative), name)
            if top:
                self.top_names.add(key)

    def add_assign(self, node: cst.Assign, *, top: bool) -> None:
        """The names an assignment's targets spell (``a.b = 1`` spells ``a``)."""
        if top:
            for target in node.targets:
                self.top_names.update(names_in(target.target))

    def add_ann_assign(self, node: cst.AnnAssign, *, top: bool) -> None:
        """``name: T = value``."""
        if top and isinstance(node.target, cst.Name):
            self.top_names.add(node.target.value)

    def add_definition(self, node: cst.FunctionDef | cst.ClassDef, *, top: bool) -> None:
        """A function or class definition."""
        if top:
            self.top_names.add(node.name.value)

    def bindings(self) -> Bindings:
        """What was collected."""
        return Bindings(self.imports, frozenset(self.top_names), tuple(self.stars))


class _Names(cst.CSTVisitor):
    """The free names an expression spells: attribute names and keyword names are not names."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.found.append(node.value)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        node.value.visit(self)
        return False


def names_in(node: cst.CSTNode) -> list[str]:
    """The names ``node`` reads (``a.b(c, k=d)`` → ``a``, ``c``, ``d``)."""
    visitor = _Names()
    node.visit(visitor)
    return visitor.found


def module_names(module: cst.Module) -> Bindings:
    """The :class:`Bindings` of a parsed module, from its statements alone."""
    names = ModuleNames()
    _collect(module, names, top=True)
    return names.bindings()


def _collect(holder: cst.CSTNode, names: ModuleNames, *, top: bool) -> None:
    """Visit the statements inside ``holder`` in order, as the analysis' walk meets them.

    Node types are compared with ``is`` (none of these has subclasses): ``isinstance`` against
    LibCST's abstract node classes costs more than the rest of this walk."""
    for node in children(holder):
        kind = type(node)
        if kind is cst.Import:
            names.add_import(cast(cst.Import, node), top=top)
        elif kind is cst.ImportFrom:
            names.add_import_from(cast(cst.ImportFrom, node), top=top)
        elif kind is cst.Assign:
            names.add_assign(cast(cst.Assign, node), top=top)
        elif kind is cst.AnnAssign:
            names.add_ann_assign(cast(cst.AnnAssign, node), top=top)
        elif kind is cst.FunctionDef or kind is cst.ClassDef:
            names.add_definition(cast(cst.FunctionDef | cst.ClassDef, node), top=top)
            _collect(node, names, top=False)
        elif kind in _HOLDERS:
            _collect(node, names, top=top)
