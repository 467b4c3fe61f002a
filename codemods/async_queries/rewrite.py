"""The rewrite phase: replace planned chains, add `await`s and `async def`, then the imports."""

from __future__ import annotations

import builtins
import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import ParentNodeProvider, PositionProvider

from backfix.bindings import (
    import_aliases,
    imported_alike,
    module_bound_names,
    shadowed_lines,
)
from backfix.cst_metadata import transform
from backfix.cst_utils import dotted, is_annotated
from backfix.imports import ImportSpec, add_imports, keep_docstring_gap
from backfix.pragmas import comments
from backfix.project import from_import_module, module_name

from . import chains as ch
from .analyze import Site, scan
from .model import FileEdits, Key
from .plumbing_rewrite import PlumbingRewrite

#: every name a rewrite may import, and from where.
IMPORTABLE = {
    "select": "sqlalchemy",
    "func": "sqlalchemy",
    "update": "sqlalchemy",
    "delete": "sqlalchemy",
    "exists": "sqlalchemy",
    "abort": "flask",
    "selectinload": "sqlalchemy.orm",
    "CursorResult": "sqlalchemy.engine",
    "Any": "typing",
    "cast": "typing",
}


#: an annotation that names the list type (``list[User]``, ``List[User]``, ``list[User] | None``)
_LIST_TYPE = re.compile(r"(?<![\w.])(?:typing\.)?(?:list|List)\b")


#: the methods of ``list`` that ``Sequence`` lacks, called on a name the code then treats as a list
_LIST_ONLY_METHODS = frozenset(
    {"append", "clear", "extend", "insert", "pop", "remove", "reverse", "sort"}
)


def _is_list_annotation(annotation: cst.Annotation | None) -> bool:
    """Whether ``annotation`` names the list type (``list[User]``, ``List[User] | None``)."""
    if annotation is None:
        return False
    return _LIST_TYPE.search(cst.Module(body=[]).code_for_node(annotation.annotation)) is not None


@functools.lru_cache(maxsize=8)
def _names_used_as_lists(
    function: cst.FunctionDef, callees: ProjectCallees | None = None
) -> frozenset[str]:
    """The plain names ``function`` gives or uses as lists, outside the functions and classes
    it defines: assigned a list display or comprehension (``items = []``) or declared one
    (``items: list[User] = ...``), returned or yielded (also in a tuple: ``return users,
    groups``) where the function's annotation says ``list`` (``-> list[...]``, ``-> tuple[list[...],
    ...]``, ``-> Iterator[list[...]]``), or, where a type checker reads the function, changed by a
    method ``Sequence`` lacks (``items.sort()``), an item assignment or deletion, ``+=``, added
    (``items + others``), stored into an object's attribute (``persona.tools = tools or []``,
    which a model types ``Mapped[list[...]]``), taken from or stored into a mapping of lists the
    function declares (``by_group: dict[int, list[User]]``: ``users = by_group.get(key)``,
    ``by_group[key] = users``), passed to a parameter annotated ``list`` of a function the module
    defines at its top, or passed to the project's own code (``callees``: backfix does not read
    its annotations, which may say ``list``). A rewritten
    ``.all()`` assigned to such a name must stay a list for the checker: it is typed
    ``Sequence``. (Read once per function: LibCST nodes hash by identity.)"""
    returns_list = _is_list_annotation(function.returns)
    checked = callees is not None and callees.reads(function)
    nodes: list[cst.CSTNode] = []
    todo: list[cst.CSTNode] = list(function.body.children)
    while todo:
        node = todo.pop()
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
            continue
        nodes.append(node)
        todo.extend(node.children)
    found: set[str] = set()
    holders = _list_mappings(function, nodes) if checked else frozenset()
    for node in nodes:
        found.update(_list_names(node, returns_list, checked))
        found.update(_mapped_lists(node, holders))
        if checked and callees is not None:
            found.update(_passed_names(node, callees))
    return frozenset(found)


def _passed_names(node: cst.CSTNode, callees: ProjectCallees) -> list[str]:
    """The plain names one node passes to the project's own code (``show(users)``,
    ``category.delete(users)``), or to a parameter annotated ``list`` of a function the module
    defines at its top (``keep(users)`` for ``def keep(users: list[User])``)."""
    if not isinstance(node, cst.Call):
        return []
    if callees.calls_project(node):
        return [a.value.value for a in node.args if isinstance(a.value, cst.Name) and not a.star]
    return [
        arg.value.value
        for arg in node.args
        if isinstance(arg.value, cst.Name) and callees.takes_list(node, arg)
    ]


def _parameter_slot(call: cst.Call, arg: cst.Arg) -> str:
    """What says which parameter ``arg`` of ``call`` is passed to: its keyword, or its position
    (``"0"``) where no starred or keyword argument comes before it; "" where neither tells."""
    if arg.star:
        return ""
    if arg.keyword is not None:
        return arg.keyword.value
    index = next(i for i, a in enumerate(call.args) if a is arg)
    if any(a.star or a.keyword is not None for a in call.args[:index]):
        return ""
    return str(index)


def _list_parameters(module: cst.Module) -> frozenset[tuple[str, str]]:
    """The parameters annotated ``list`` of the functions ``module`` defines at its top, as
    (function, position or keyword) pairs: ``("keep", "0")`` and ``("keep", "rows")`` for
    ``def keep(rows: list[User])``. (The last definition of a name wins, as at run time.)"""
    functions = {s.name.value: s for s in module.body if isinstance(s, cst.FunctionDef)}
    found: set[tuple[str, str]] = set()
    for name, function in functions.items():
        params = function.params
        positional = [*params.posonly_params, *params.params]
        for index, param in enumerate(positional):
            if _is_list_annotation(param.annotation):
                found.update({(name, str(index)), (name, param.name.value)})
        for param in params.kwonly_params:
            if _is_list_annotation(param.annotation):
                found.add((name, param.name.value))
    return frozenset(found)


_BUILTINS = frozenset(dir(builtins))


@dataclass(frozen=True)
class ProjectCallees:
    """What tells a call of the project's own code, whose annotations backfix does not read (they
    may say ``list`` where a rewritten ``.all()`` gives a ``Sequence``): a function the module
    imports from its project (``show(users)``), or a method of a value that is no library's
    (``category.delete(users)``, ``self.keep(users)``: not ``json.dumps(users)``)."""

    #: the names the module imports at its top from its own project
    project: frozenset[str]
    #: the names it imports from anywhere else
    library: frozenset[str]
    #: the project's checker reads functions without annotations too (pyright)
    unannotated_checked: bool = False
    #: the module's own top-level functions' parameters annotated ``list`` (see
    #: :func:`_list_parameters`)
    list_parameters: frozenset[tuple[str, str]] = frozenset()

    def reads(self, function: cst.FunctionDef) -> bool:
        """Whether the project's type checker reads ``function``: one with an annotation, or
        any where it reads functions without annotations too."""
        return self.unannotated_checked or is_annotated(function)

    def takes_list(self, call: cst.Call, arg: cst.Arg) -> bool:
        """Whether ``call`` passes ``arg`` to a parameter annotated ``list`` of a function the
        module defines at its top (``keep(users)`` for ``def keep(users: list[User])``)."""
        if not isinstance(call.func, cst.Name):
            return False
        return (call.func.value, _parameter_slot(call, arg)) in self.list_parameters

    def calls_project(self, call: cst.Call) -> bool:
        """Whether ``call`` calls the project's own code, as the class says."""
        func = call.func
        if isinstance(func, cst.Name):
            return func.value in self.project
        return (
            isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            and func.value.value not in self.library
            and func.value.value not in _BUILTINS
        )


def project_callees(
    module: cst.Module, first_party: frozenset[str], unannotated_checked: bool
) -> ProjectCallees:
    """:class:`ProjectCallees` of the module: the names it imports at its top from its own
    project (a relative import, or one from a package of ``first_party``: ``from app.utils
    import show`` → ``show``) and from elsewhere."""
    project: set[str] = set()
    library: set[str] = set()
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                library.update(
                    a.evaluated_alias or dotted(a.name).split(".")[0] for a in small.names
                )
            if not isinstance(small, cst.ImportFrom) or isinstance(small.names, cst.ImportStar):
                continue
            source = dotted(small.module) if small.module is not None else ""
            ours = small.relative or source.split(".")[0] in first_party
            names = {alias.evaluated_alias or dotted(alias.name) for alias in small.names}
            (project if ours else library).update(names)
    return ProjectCallees(
        frozenset(project), frozenset(library), unannotated_checked, _list_parameters(module)
    )


def _list_mappings(function: cst.FunctionDef, nodes: list[cst.CSTNode]) -> frozenset[str]:
    """The names ``function`` declares (its parameters, annotated assignments) as mappings whose
    values are lists (``dict[int, list[User]]``, ``defaultdict[str, List[Job]]``)."""
    declared = [(p.name.value, p.annotation) for p in function.params.params]
    declared += [
        (node.target.value, node.annotation)
        for node in nodes
        if isinstance(node, cst.AnnAssign) and isinstance(node.target, cst.Name)
    ]
    return frozenset(name for name, annotation in declared if _maps_to_lists(annotation))


def _maps_to_lists(annotation: cst.Annotation | None) -> bool:
    """Whether ``annotation`` is a generic type of two or more arguments whose last is a list."""
    if annotation is None or not isinstance(annotation.annotation, cst.Subscript):
        return False
    elements = annotation.annotation.slice
    if len(elements) < 2 or not isinstance(elements[-1].slice, cst.Index):
        return False
    return _is_list_annotation(cst.Annotation(elements[-1].slice.value))


def _mapped_lists(node: cst.CSTNode, holders: frozenset[str]) -> list[str]:
    """The names one node takes from, or stores into, a mapping of lists in ``holders``."""
    if not holders or not isinstance(node, cst.Assign):
        return []
    value = node.value
    stored = [
        t.target
        for t in node.targets
        if isinstance(t.target, cst.Subscript)
        and isinstance(t.target.value, cst.Name)
        and t.target.value.value in holders
    ]
    if stored:
        return [value.value] if isinstance(value, cst.Name) else []
    owner: cst.BaseExpression | None = None
    if isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute):
        owner = value.func.value if value.func.attr.value == "get" else None
    elif isinstance(value, cst.Subscript):
        owner = value.value
    if not (isinstance(owner, cst.Name) and owner.value in holders):
        return []
    return [t.target.value for t in node.targets if isinstance(t.target, cst.Name)]


def _list_names(node: cst.CSTNode, returns_list: bool, checked: bool) -> list[str]:
    """The names one node of a function gives or uses as lists (see ``_names_used_as_lists``)."""
    if isinstance(node, cst.Assign) and isinstance(node.value, (cst.List, cst.ListComp)):
        return [t.target.value for t in node.targets if isinstance(t.target, cst.Name)]
    if isinstance(node, cst.AnnAssign) and _is_list_annotation(node.annotation):
        return [node.target.value] if isinstance(node.target, cst.Name) else []
    if isinstance(node, (cst.Return, cst.Yield)) and returns_list:
        return _returned_names(node.value)
    if not checked:
        return []
    if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
        owner, method = node.func.value, node.func.attr.value
        return [owner.value] if isinstance(owner, cst.Name) and method in _LIST_ONLY_METHODS else []
    if isinstance(node, cst.AugAssign) and isinstance(node.target, cst.Name):
        return [node.target.value]
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        return [side.value for side in (node.left, node.right) if isinstance(side, cst.Name)]
    targets: list[cst.BaseExpression] = []
    stored: list[str] = []
    if isinstance(node, cst.Assign):
        targets = [t.target for t in node.targets]
        if any(isinstance(t, cst.Attribute) for t in targets):
            stored = _stored_names(node.value)
    elif isinstance(node, cst.Del):
        targets = [node.target]
    return stored + [
        t.value.value
        for t in targets
        if isinstance(t, cst.Subscript) and isinstance(t.value, cst.Name)
    ]


def _returned_names(value: cst.CSTNode | None) -> list[str]:
    """The plain names a ``return`` or ``yield`` gives: its value, or the items of its tuple
    (none for ``yield from``)."""
    if isinstance(value, cst.Name):
        return [value.value]
    if isinstance(value, cst.Tuple):
        return [e.value.value for e in value.elements if isinstance(e.value, cst.Name)]
    return []


def _stored_names(value: cst.BaseExpression) -> list[str]:
    """The plain names a value stored into an attribute may be: ``tools``, ``tools or []``,
    ``tools if keep else []``."""
    if isinstance(value, cst.Name):
        return [value.value]
    if isinstance(value, cst.BooleanOperation):
        return [*_stored_names(value.left), *_stored_names(value.right)]
    if isinstance(value, cst.IfExp):
        return [*_stored_names(value.body), *_stored_names(value.orelse)]
    return []


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider)

    def __init__(
        self,
        sites: list[Site],
        edits: FileEdits,
        aliases: dict[str, str],
        plumbing: PlumbingRewrite | None = None,
        spelling: tuple[str, frozenset[str]] = ("", frozenset()),
        db_owner: str = "",
        module_shadowed: Collection[int] = (),
        callees: ProjectCallees | None = None,
    ) -> None:
        super().__init__()
        #: what tells a call of the project's own code (see ``ProjectCallees``); None where
        #: the project runs no type checker
        self.callees = callees
        self.plumbing = plumbing
        self.aliases = aliases
        self.spelling = spelling
        #: the lines where a function binds the name of ``spelling``'s module (``sa = ...``):
        #: there `sa.select` would read the local, so the names are imported instead
        self.module_shadowed = module_shadowed
        #: the module's name for the module that defines `db` (``models``), which a
        #: ``Model.query`` chain reads ``db`` through: see :func:`_db_owner`
        self.db_owner = db_owner
        modes = dict(edits.chains)
        self.sites: dict[Key, tuple[Site, str]] = {
            site.key: (site, modes[site.group]) for site in sites if site.group in modes
        }
        self.edits = edits
        self.loads = dict(edits.loads)
        self.imports: set[tuple[str, str]] = set()
        #: the names the rewritten chains read
        self.names: set[str] = set()
        self.quals: list[str] = []
        self.classes: list[str] = []
        #: the functions around the node visited, innermost last
        self.around: list[cst.FunctionDef] = []
        #: the first lines of every node an edit replaces, sorted (see visit_SimpleStatementLine)
        self.edit_lines = sorted(
            {key[0] for key in self.sites} | {key[0] for key in (*edits.awaits, *edits.runs)}
        )

    def _key(self, node: cst.CSTNode) -> Key:
        pos = self.get_metadata(PositionProvider, node)
        return (pos.start.line, pos.start.column, pos.end.line, pos.end.column)

    def _replace(
        self, original: cst.BaseExpression, updated: cst.BaseExpression
    ) -> cst.BaseExpression:
        found = self.sites.get(self._key(original))
        if found is None:
            return updated
        site, mode = found
        chain = ch.split_chain(updated, site.spec)
        if chain is None:  # the scan found it, so the shape cannot change; keep code as it is
            return updated
        base = site.base
        if site.spec.kind == ch.ROOT_SESSION and isinstance(chain.root, cst.Call):
            assert isinstance(chain.root.func, cst.Attribute)
            base = replace(base, session=chain.root.func.value)
        session_name = self.edits.session_import[1]
        if session_name and base.fsa_db:
            # `Model.query` (or a variable holding one) from `session.query_property()`: the
            # project has no Flask-SQLAlchemy `db`, so plain SQLAlchemy on that session
            attribute = self.edits.session_attribute
            session = f"{session_name}.{attribute}" if attribute else session_name
            base = replace(base, session=ch.dotted(session), fsa_db="")
        elif self.edits.plain_db and base.fsa_db:
            # `db = Alchemical()`: its `db.session` is a session, but `db.select` is no name
            base = replace(base, fsa_db="")
        elif self.db_owner and site.spec.kind == ch.ROOT_MODEL and base.fsa_db == "db":
            db = f"{self.db_owner}.db"
            base = replace(base, session=ch.dotted(f"{db}.session"), fsa_db=db)
        context = ch.Context(
            mode,
            site.use,
            site.parens,
            eager=self.edits.eager,
            plain=self.edits.plain,
            cls_class=self._cls_class(),
            standalone=site.standalone,
            fsa3=self.edits.fsa3,
            session_scalars=self.edits.session_scalars,
            typed=self.edits.typed,
            rowcount_cast=self.edits.rowcount_cast,
            aliases=self.aliases,
            sa_module="" if site.key[0] in self.module_shadowed else self.spelling[0],
            sa_imported=self.spelling[1],
            fsa_names=self.edits.fsa_names,
            loads=self.loads.get(site.group, ()),
        )
        result = ch.convert(chain, base, context)
        self.imports |= result.imports
        self.names |= result.names
        node = result.node
        if (
            chain.terminal is not None
            and chain.terminal.name == "all"
            and self.edits.typed
            and self._typed_list(original)
        ):
            # `Query.all()` is typed `list[T]`, `Result.all()` `Sequence[T]`: a type checker
            # would reject the new value where the code says it is a list. The call's own
            # brackets do what parentheses around the query did (no `list((...))`).
            bare = node.with_changes(lpar=[], rpar=[])
            return cst.Call(cst.Name("list"), [cst.Arg(bare)])
        if updated.lpar and not self._parens_redundant(original, updated, node):
            node = node.with_changes(lpar=updated.lpar, rpar=updated.rpar)
        return node

    def _cls_class(self) -> str:
        """The class whose method (taking ``cls`` first) holds the node visited, when no project
        class extends it (``cls`` is then that class); "" otherwise."""
        if not (self.classes and self.around and self.quals):
            return ""
        method = self.around[-1]
        if self.quals[-1] != ".".join([*self.classes, method.name.value]):
            return ""  # a nested function, or a function outside the class
        params = method.params.params
        if not params or params[0].name.value != "cls":
            return ""
        owner = self.classes[-1]
        return "" if owner in self.edits.extended else owner

    def _parens_redundant(
        self, original: cst.BaseExpression, updated: cst.BaseExpression, node: cst.BaseExpression
    ) -> bool:
        """Whether the parentheses around a whole expression statement (a bulk ``delete()`` over
        several lines) can go with the legacy chain: the new value ``node`` breaks lines only
        inside its own brackets, and no comment sits in the parentheses."""
        parent = self.get_metadata(ParentNodeProvider, original, None)
        if not (isinstance(parent, cst.Expr) and parent.value is original) or node.lpar:
            return False
        empty = cst.Module([])
        if any("#" in empty.code_for_node(paren) for paren in (*updated.lpar, *updated.rpar)):
            return False
        try:
            cst.parse_expression(empty.code_for_node(node))
        except cst.ParserSyntaxError:
            return False
        return True

    def _typed_list(self, original: cst.BaseExpression) -> bool:
        """Whether the code says ``original``'s value is a list: it is returned or yielded (also
        in a tuple) from a function annotated ``-> list[...]`` (``tuple[list[...], ...]``,
        ``Iterator[list[...]]``), assigned to a name annotated ``list[...]`` or one the function
        treats as a list, passed to a parameter annotated so, or, in a function a type checker
        reads, passed to the project's own code, added, or stored into an attribute."""
        parent = self.get_metadata(ParentNodeProvider, original, None)
        annotation: cst.Annotation | None = None
        if isinstance(parent, cst.Element):
            return self._in_returned_tuple(parent)
        if isinstance(parent, (cst.Return, cst.Yield)) and parent.value is original and self.around:
            annotation = self.around[-1].returns
        elif isinstance(parent, cst.AnnAssign) and parent.value is original:
            annotation = parent.annotation
        elif isinstance(parent, cst.Arg) and parent.value is original:
            return self._to_project_code(parent) or self._to_list_parameter(parent)
        elif isinstance(parent, cst.Assign) and parent.value is original and self.around:
            return self._assigned_as_list(parent)
        elif isinstance(parent, cst.BinaryOperation) and isinstance(parent.operator, cst.Add):
            return self._checked_here()  # `Sequence` has no `+`
        return _is_list_annotation(annotation)

    def _in_returned_tuple(self, element: cst.Element) -> bool:
        """Whether ``element`` is an item of the tuple a function annotated ``list`` returns or
        yields (``return users, groups`` under ``-> tuple[list[User], list[Group]]``)."""
        held = self.get_metadata(ParentNodeProvider, element, None)
        if not (isinstance(held, cst.Tuple) and self.around):
            return False
        outer = self.get_metadata(ParentNodeProvider, held, None)
        return (
            isinstance(outer, (cst.Return, cst.Yield))
            and outer.value is held
            and _is_list_annotation(self.around[-1].returns)
        )

    def _assigned_as_list(self, assign: cst.Assign) -> bool:
        """Whether the value ``assign`` stores must stay a list: a name it assigns is one the
        function treats as a list (``items = []`` in another branch, ``items.sort()`` after
        it), or, in a function a type checker reads, it stores into an attribute, whose declared
        type backfix does not read (a model's relationship is ``Mapped[list[...]]``)."""
        targets = [t.target for t in assign.targets]
        if any(isinstance(t, cst.Attribute) for t in targets) and self._checked_here():
            return True
        listed = _names_used_as_lists(self.around[-1], self.callees)
        return any(isinstance(t, cst.Name) and t.value in listed for t in targets)

    def _checked_here(self) -> bool:
        """Whether the project runs a type checker and it reads the function visited."""
        return (
            self.callees is not None and bool(self.around) and self.callees.reads(self.around[-1])
        )

    def _to_project_code(self, arg: cst.Arg) -> bool:
        """Whether ``arg`` is passed to the project's own code (see ``ProjectCallees``), in a
        function a type checker reads."""
        call = self.get_metadata(ParentNodeProvider, arg, None)
        return (
            self.callees is not None
            and self._checked_here()
            and isinstance(call, cst.Call)
            and self.callees.calls_project(call)
        )

    def _to_list_parameter(self, arg: cst.Arg) -> bool:
        """Whether ``arg`` is passed to a parameter annotated ``list`` of a function the module
        defines at its top level (``keep(users)`` for ``def keep(users: list[User])``)."""
        call = self.get_metadata(ParentNodeProvider, arg, None)
        return (
            isinstance(call, cst.Call)
            and self.callees is not None
            and self.callees.takes_list(call, arg)
        )

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if self.plumbing is not None:
            updated_node = self.plumbing.call(self._key(original_node), updated_node)
        node = self._replace(original_node, updated_node)
        if self._key(original_node) in self.edits.runs:
            self.imports.add(("asyncio", ""))
            return cst.Call(cst.Attribute(cst.Name("asyncio"), cst.Name("run")), [cst.Arg(node)])
        if self._key(original_node) in self.edits.awaits and not isinstance(node, cst.Await):
            parent = self.get_metadata(ParentNodeProvider, original_node, None)
            parens = (
                isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is original_node
            ) or (isinstance(parent, cst.Call) and parent.func is original_node)
            if parens and not node.lpar:
                return cst.Await(node, lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
            return cst.Await(node)
        return node

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        if self.plumbing is not None and self._is_reference(original_node):
            updated_node = self.plumbing.name(updated_node)
        if not self.sites:
            return updated_node
        return self._replace(original_node, updated_node)

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def _is_reference(self, node: cst.Name) -> bool:
        """A name read as a variable: not ``obj.name``, not ``f(name=...)``, not a definition."""
        parent = self.get_metadata(ParentNodeProvider, node, None)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return False
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return False
        return not isinstance(parent, (cst.FunctionDef, cst.ClassDef, cst.Param))

    def visit_Import(self, node: cst.Import) -> bool:
        return False  # imports are redone at the end, by name

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def leave_SimpleString(
        self, original_node: cst.SimpleString, updated_node: cst.SimpleString
    ) -> cst.BaseExpression:
        if self.plumbing is None:
            return updated_node
        return self.plumbing.string(self._key(original_node), updated_node)

    def leave_FormattedString(
        self, original_node: cst.FormattedString, updated_node: cst.FormattedString
    ) -> cst.BaseExpression:
        if self.plumbing is None:
            return updated_node
        return self.plumbing.string(self._key(original_node), updated_node)

    def leave_With(self, original_node: cst.With, updated_node: cst.With) -> cst.With:
        if self.plumbing is None:
            return updated_node
        return self.plumbing.with_statement(self._key(original_node), updated_node)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> bool:
        """Enter a line of simple statements only if an edit starts inside it: LibCST rebuilds every
        node it enters. Without plumbing, every edit inside such a line replaces a node whose
        position is in ``edit_lines`` (it holds no function definition to make async)."""
        if self.plumbing is not None:
            return True
        span = self.get_metadata(PositionProvider, node)
        first = bisect_left(self.edit_lines, span.start.line)
        return first < len(self.edit_lines) and self.edit_lines[first] <= span.end.line

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.BaseStatement:
        if self.plumbing is None:
            return updated_node
        return self.plumbing.statement(self._key(original_node), updated_node)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.classes.append(node.name.value)

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self.classes.pop()
        return updated_node

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.around.append(node)
        name = node.name.value
        if self.quals:
            self.quals.append(f"{self.quals[-1]}.<locals>.{name}")
        elif self.classes:
            self.quals.append(".".join([*self.classes, name]))
        else:
            self.quals.append(name)

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        qual = self.quals.pop()
        self.around.pop()
        if self.plumbing is not None:
            updated_node = self.plumbing.function(qual, updated_node)
        if qual in self.edits.make_async and updated_node.asynchronous is None:
            return updated_node.with_changes(asynchronous=cst.Asynchronous())
        return updated_node


def sqlalchemy_spelling(module: cst.Module, text: str) -> tuple[str, frozenset[str]]:
    """How ``module`` (whose code is ``text``) spells SQLAlchemy's names at its top level: the
    name it binds ``sqlalchemy`` to (``import sqlalchemy as sa`` → ``sa``) when it imports no
    name from ``sqlalchemy`` itself, or reads more through that name than through those it
    imports ("" otherwise), and the names it does import from it."""
    bound = ""
    imported: set[str] = set()
    for stmt in module.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.ImportFrom) and _is_sqlalchemy(small.module, small.relative):
                names = small.names if isinstance(small.names, Sequence) else ()
                imported.update(get_full_name_for_node(alias.name) or "" for alias in names)
            if isinstance(small, cst.Import):
                for alias in small.names:
                    if _is_sqlalchemy(alias.name, ()):
                        bound = alias.evaluated_alias or "sqlalchemy"
    if imported and bound and _reads_through(text, bound) > _reads_of(text, imported):
        return bound, frozenset(imported)  # `sa.select(...)` beside `from sqlalchemy import event`
    return ("" if imported else bound), frozenset(imported)


def _reads_through(code: str, name: str) -> int:
    """How often ``code`` reads an attribute of ``name`` (``sa.func``)."""
    return len(re.findall(rf"(?<![\w.]){re.escape(name)}\.\w", code))


def _reads_of(code: str, names: Collection[str]) -> int:
    """How often ``code`` names one of ``names``, their imports left out."""
    found = sum(len(re.findall(rf"(?<![\w.]){re.escape(n)}\b", code)) for n in names)
    return found - len(names)


def _is_sqlalchemy(name: cst.BaseExpression | None, relative: Sequence[cst.Dot]) -> bool:
    return not relative and name is not None and get_full_name_for_node(name) == "sqlalchemy"


def rewrite_module(
    path: str,
    module: cst.Module,
    text: str,
    session_names: list[str],
    edits: FileEdits,
    root: Path | None = None,
    first_party: frozenset[str] = frozenset(),
    not_sessions: Collection[str] = (),
) -> cst.Module:
    """Apply one file's planned edits; ``root`` (the project's) and ``first_party`` (top-level
    packages ruff counts as the project's for this file) tell first-party imports apart;
    ``not_sessions`` as the scan had them."""
    result, wrapper = scan(path, module, text, session_names, False, not_sessions)
    planned = dict(edits.chains)
    uses = {site.key[0] for site in result.sites if site.group in planned}
    bound = module_bound_names(module, text)
    aliases = import_aliases(module, IMPORTABLE, text, uses, bound)
    plumbing = PlumbingRewrite(module, edits.plumbing) if edits.plumbing else None
    db_owner = (
        _db_owner(path, module, text, (edits.db_import, *edits.db_owners))
        if edits.db_import
        else ""
    )
    spelling = sqlalchemy_spelling(module, text)
    rewriter = _Rewriter(
        result.sites,
        edits,
        aliases,
        plumbing,
        spelling,
        db_owner,
        shadowed_lines(text, spelling[0], uses) if spelling[0] else (),
        project_callees(module, first_party, edits.checks_unannotated) if edits.typed else None,
    )
    new = transform(wrapper.module, rewriter)
    items = [
        ImportSpec(source, name or None, None if aliases.get(name, name) == name else aliases[name])
        for source, name in sorted(rewriter.imports)
        if not imported_alike(bound, aliases.get(name, name), source, name)
    ]
    ours = set(first_party)
    if edits.db_import and not db_owner and "db" in rewriter.names:
        items.append(ImportSpec(_import_source(path, module, edits.db_import, root), "db"))
    source, session_name = edits.session_import
    if (
        session_name in rewriter.names
        and module_name(path, _package_test(root)) != source
        and not _binds_at_top(module, session_name)
    ):
        items.append(ImportSpec(_import_source(path, module, source, root), session_name))
    if items:
        new = add_imports(new, items, root=root, first_party=ours)
    if plumbing is not None:
        new = keep_docstring_gap(module, plumbing.fix_imports(new, root, ours))
    return new


def _package_test(root: Path | None) -> Callable[[str], bool] | None:
    """Whether a folder (relative to ``root``) is a package, for :func:`module_name`."""
    if root is None:
        return None
    return lambda folder: Path(root, folder, "__init__.py").is_file()


def _binds_at_top(module: cst.Module, name: str) -> bool:
    """Whether ``module`` imports or assigns ``name`` at its top level."""
    for stmt in module.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
                for alias in small.names:
                    bound = alias.asname.name if alias.asname is not None else alias.name
                    if dotted(bound) == name:
                        return True
            if isinstance(small, cst.Import) and any(
                alias.asname is not None and dotted(alias.asname.name) == name
                for alias in small.names
            ):
                return True  # `import app.storage.db as db`
            if isinstance(small, cst.Assign | cst.AnnAssign):
                targets = small.targets if isinstance(small, cst.Assign) else [small]
                if any(dotted(t.target) == name for t in targets):
                    return True
    return False


def _db_owner(path: str, module: cst.Module, text: str, targets: Sequence[str]) -> str:
    """The name ``module`` binds one of the modules ``targets`` (which define or re-export
    ``db``) to at its top level (``models`` of ``from app import models``), when the module reads
    nothing but that module's attributes through it: the rewrite then reads ``models.db`` as the
    module's own code does, rather than importing ``db`` beside it. "" when there is no such
    name, or it may stand for something else somewhere (assigned, a parameter, a word in a
    string)."""
    for stmt in module.body:
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            for name, bound in _bound_modules(path, small):
                if any(
                    bound == target or bound.endswith(f".{target}") for target in targets
                ) and _read_as_module(text, name):
                    return name
    return ""


def _bound_modules(path: str, small: cst.BaseSmallStatement) -> list[tuple[str, str]]:
    """(name, module) for each module name a top-level import binds by a name of its own:
    ``from app import models``, ``import app.models as models`` (not ``import app.models``)."""
    found: list[tuple[str, str]] = []
    if isinstance(small, cst.ImportFrom) and isinstance(small.names, Sequence):
        base = get_full_name_for_node(small.module) if small.module is not None else ""
        package = from_import_module(path, len(small.relative), base or "")
        for alias in small.names:
            imported = get_full_name_for_node(alias.name) or ""
            found.append((alias.evaluated_alias or imported, f"{package}.{imported}"))
    elif isinstance(small, cst.Import):
        for alias in small.names:
            if alias.evaluated_alias is not None:
                found.append((alias.evaluated_alias, get_full_name_for_node(alias.name) or ""))
    return found


def _read_as_module(text: str, name: str) -> bool:
    """Whether ``name`` appears in ``text``'s code (its comments aside: ``# TODO: move to
    models``) only once not followed by a dot (its import)."""
    bare = re.findall(rf"(?<![\w.]){re.escape(name)}\b(?!\s*\.)", _without_comments(text))
    return len(bare) == 1


def _without_comments(text: str) -> str:
    """``text`` with each comment blanked out (as it is when it does not tokenize)."""
    found = comments(text)
    if not found:
        return text
    lines = text.splitlines(keepends=True)
    for comment in found:
        line = lines[comment.row - 1]
        end = comment.col + len(comment.text)
        lines[comment.row - 1] = line[: comment.col] + " " * len(comment.text) + line[end:]
    return "".join(lines)


def _import_source(path: str, module: cst.Module, target: str, root: Path | None) -> str:
    """Where to import a name of the module ``target`` from (``db``, a query property's session):
    relatively (``from .. import db``) in a module that already imports relatively as far up as
    ``target`` is; else by its absolute name (``target``, the name it is imported under; ``path``'s
    own is read with the packages under ``root``). A module that imports only its own folder
    relatively (``from .models import X``) gets no import that climbs further: such a module may
    be copied elsewhere as a package of its own (a plugin template), and the project spells the
    rest absolutely; unless a module beside it imports from ``target`` relatively (MerginMaps'
    ``from ..app import db`` in every module of ``mergin/auth/``) and the module itself names no
    module of ``target``'s top package absolutely."""
    imports = [
        small
        for stmt in module.body
        if isinstance(stmt, cst.SimpleStatementLine)
        for small in stmt.body
        if isinstance(small, cst.ImportFrom)
    ]
    own = module_name(path, _package_test(root)).split(".")
    package = own if path.endswith("__init__.py") else own[:-1]
    parts = target.split(".")
    common = 0
    while common < min(len(package), len(parts)) and package[common] == parts[common]:
        common += 1
    level = len(package) - common + 1
    deepest = max((len(small.relative) for small in imports), default=0)
    relative = "." * level + ".".join(parts[common:])
    if common == 0:
        return target
    if deepest < level:
        spelled_absolutely = any(
            not small.relative and _from_top(small) == parts[0] for small in imports
        )
        if spelled_absolutely or not _beside(path, root, relative):
            return target
    return relative


def _from_top(node: cst.ImportFrom) -> str:
    """The first name of an absolute ``from`` import's module (``pgadmin`` of ``pgadmin.model``)."""
    name = get_full_name_for_node(node.module) if node.module else None
    return name.split(".")[0] if name else ""


def _beside(path: str, root: Path | None, relative: str) -> bool:
    """Whether another module in ``path``'s folder has a ``from <relative> import ...``."""
    folder = (root / path).parent if root is not None else None
    if folder is None or not folder.is_dir():
        return False
    spelled = re.compile(rf"^from {re.escape(relative)} import ", re.MULTILINE)
    for sibling in sorted(folder.glob("*.py")):
        if sibling.name == PurePosixPath(path).name:
            continue
        try:
            text = sibling.read_text(encoding="utf-8", errors="replace")
        except OSError:
            continue
        if spelled.search(text):
            return True
    return False
