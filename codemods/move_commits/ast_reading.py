"""One walk over a module's `ast` tree for what the pre-check and the reduction read in it.

The pre-check (:mod:`.quick`: the views registered by name, the commits and the route definitions
around them) and the reduction (:mod:`.reduce`: the outer functions, the classes around them, what
each reads) each walked the whole tree, some of them twice; :func:`read_tree` collects all of it in
one walk and keeps it for the tree it was last asked about (the two ask about the same tree, one
after the other).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TypeGuard

from backfix.ast_utils import last_name

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
Definition = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef

#: view registrations, and where the view is among their arguments
VIEW_REGISTRARS = {"add_url_rule": 2, "add_api_route": 1, "add_resource": 0}
#: decorators whose function's body the analysis reads whatever it is called
_HOOKS = frozenset({"before_request", "before_app_request"})
#: nodes whose presence in a function makes the analysis read its body (see :mod:`.reduce`)
_KEEP_TYPES = frozenset({ast.Lambda, ast.Global, ast.Nonlocal})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
#: fields that hold an expression context or operators (``Load()``, ``Add()``, ``[Eq()]``): nodes
#: without fields and of none of the types the walk looks for, so it does not enter them (about
#: a third of the nodes it would otherwise visit)
SKIPPED_FIELDS = frozenset({"ctx", "op", "ops"})
#: per node type, the fields the walk enters (``_fields`` but :data:`SKIPPED_FIELDS`)
_WALKED: dict[type, tuple[str, ...]] = {}


def _walked_fields(kind: type[ast.AST]) -> tuple[str, ...]:
    """The fields of nodes of type ``kind`` the walk enters."""
    fields = _WALKED[kind] = tuple(f for f in kind._fields if f not in SKIPPED_FIELDS)
    return fields


@dataclass
class FunctionReads:
    """What an outer function's code (decorators and header included) reads."""

    #: whether the analysis reads its body whatever it is called
    must: bool
    #: every name read or written in it
    names: set[str] = field(default_factory=set)


@dataclass
class TreeFacts:
    """What one walk over a module's tree finds."""

    #: the names of views registered by name (``add_url_rule(..., view_func=name)``...)
    views: set[str] = field(default_factory=set)
    #: how many ``x.commit()`` calls
    commits: int = 0
    #: every function and class definition
    definitions: list[Definition] = field(default_factory=list)
    #: the functions not inside another function, in source order
    functions: list[FunctionNode] = field(default_factory=list)
    #: the classes not inside a function
    classes: list[ast.ClassDef] = field(default_factory=list)
    #: per outer function and per class (by ``id``): the classes around it, outermost first
    owners: dict[int, tuple[ast.ClassDef, ...]] = field(default_factory=dict)
    #: per outer function (by ``id``): what it reads
    reads: dict[int, FunctionReads] = field(default_factory=dict)
    #: per class (by ``id``): the names in it outside its functions and nested classes
    class_names: dict[int, set[str]] = field(default_factory=dict)


def is_commit(node: ast.AST) -> TypeGuard[ast.Call]:
    """An ``x.commit()`` call without arguments."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "commit"
        and not node.args
        and not node.keywords
    )


def _is_kept_call(node: ast.Call) -> bool:
    """A call that makes the analysis read the function around it: any ``.commit(...)``, a view
    registration."""
    func = node.func
    return (isinstance(func, ast.Attribute) and func.attr == "commit") or last_name(
        func, through_subscript=False
    ) in VIEW_REGISTRARS


def _view_names(node: ast.Call, position: int) -> list[str]:
    """The names of the views a registration call registers."""
    values = [kw.value for kw in node.keywords if kw.arg in {"view_func", "endpoint"}]
    if len(node.args) > position:
        values.append(node.args[position])
    found: list[str] = []
    for value in values:
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
            value = value.func.value  # `View.as_view("name")`
        found.append(last_name(value, through_subscript=False))
    return found


class _Context:
    """Where the walk is: the outer function around it, and the classes around that (or around
    the node, outside functions)."""

    __slots__ = ("classes", "function")

    def __init__(self, function: FunctionReads | None, classes: tuple[ast.ClassDef, ...]) -> None:
        self.function = function
        self.classes = classes


class _Walk:
    """The walk behind :func:`read_tree`."""

    def __init__(self) -> None:
        self.facts = TreeFacts()

    def run(self, tree: ast.Module) -> TreeFacts:
        top = _Context(None, ())
        stack: list[tuple[ast.AST, _Context]] = [(tree, top)]
        while stack:
            node, context = stack.pop()
            kind = type(node)
            if kind is ast.Name:
                self._name(node.id, context)  # type: ignore[attr-defined]
                continue
            if kind is ast.Call:
                self._call(node, context)  # type: ignore[arg-type]
            elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
                context = self._function(node, context)  # type: ignore[arg-type]
            elif kind is ast.ClassDef:
                context = self._class(node, context)  # type: ignore[arg-type]
            elif context.function is not None and (
                kind in _KEEP_TYPES or (kind is ast.ImportFrom and node.level)  # type: ignore[attr-defined]
            ):
                context.function.must = True
            below: list[tuple[ast.AST, _Context]] = []
            fields = _WALKED.get(kind)
            for name in _walked_fields(kind) if fields is None else fields:
                value = getattr(node, name, None)
                if type(value) is list:
                    below.extend((item, context) for item in value if isinstance(item, ast.AST))
                elif isinstance(value, ast.AST):
                    below.append((value, context))
            below.reverse()
            stack.extend(below)
        return self.facts

    def _name(self, name: str, context: _Context) -> None:
        if context.function is not None:
            context.function.names.add(name)
        elif context.classes:
            self.facts.class_names[id(context.classes[-1])].add(name)

    def _call(self, node: ast.Call, context: _Context) -> None:
        facts = self.facts
        position = VIEW_REGISTRARS.get(last_name(node.func, through_subscript=False))
        if position is not None:
            facts.views.update(_view_names(node, position))
        if is_commit(node):
            facts.commits += 1
        if context.function is not None and _is_kept_call(node):
            context.function.must = True

    def _function(self, node: FunctionNode, context: _Context) -> _Context:
        facts = self.facts
        facts.definitions.append(node)
        if context.function is not None:  # a nested definition: its function is read
            context.function.must = True
            return context
        facts.functions.append(node)
        facts.owners[id(node)] = context.classes
        reads = FunctionReads(
            any(last_name(d, through_subscript=False) in _HOOKS for d in node.decorator_list)
        )
        facts.reads[id(node)] = reads
        return _Context(reads, context.classes)

    def _class(self, node: ast.ClassDef, context: _Context) -> _Context:
        facts = self.facts
        facts.definitions.append(node)
        if context.function is not None:
            context.function.must = True
            return context
        facts.classes.append(node)
        facts.owners[id(node)] = context.classes
        facts.class_names[id(node)] = set()
        return _Context(None, (*context.classes, node))


#: the tree :func:`read_tree` read last and its facts (a one-item list)
_LAST: list[tuple[ast.Module, TreeFacts]] = []


def read_tree(tree: ast.Module) -> TreeFacts:
    """The :class:`TreeFacts` of ``tree``, from one walk (kept for the last tree asked about)."""
    if _LAST and _LAST[0][0] is tree:
        return _LAST[0][1]
    facts = _Walk().run(tree)
    _LAST[:] = [(tree, facts)]
    return facts


def class_names(facts: TreeFacts, owner: ast.ClassDef) -> set[str]:
    """Every name read or written in ``owner``, its functions and nested classes included."""
    found = set(facts.class_names[id(owner)])
    for function in facts.functions:
        if any(around is owner for around in facts.owners[id(function)]):
            found |= facts.reads[id(function)].names
    for inner in facts.classes:
        if any(around is owner for around in facts.owners[id(inner)]):
            found |= facts.class_names[id(inner)]
    return found
