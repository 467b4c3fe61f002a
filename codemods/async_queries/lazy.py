"""Relationship access the rewrite cannot make safe: lazy loads under asyncio, dynamic relationships.

Both need to know which attributes are relationships, so they run in the plan phase over the
relationship names collected from every class body (``relationship(...)``, ``backref(...)``), using the
fast `ast` tree of the files concerned.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import TypeGuard

from backfix.ast_utils import child_fields, last_name, parameter_names
from backfix.project import from_import_module

from .chains import BUILDERS, TERMINALS, is_camel

#: `lazy=` values that load on attribute access (the default is "select").
LAZY_LOADING = frozenset({"", "select", "True"})
#: `lazy=` values that load with the object (``False`` is joined loading)
EAGER_LOADING = frozenset({"joined", "selectin", "subquery", "immediate", "False"})
_SILENCED = re.compile(
    r"(?:selectinload|joinedload|subqueryload|immediateload|contains_eager)\(\s*[\w.]*\.(\w+)"
    r"|awaitable_attrs\.(\w+)"
)
#: ``refresh(obj, ["rel", ...])`` (or ``attribute_names=[...]``) loads the names it lists
_REFRESHED = re.compile(
    r"\brefresh\(\s*[\w.]+\s*,\s*(?:attribute_names\s*=\s*)?[\[(]([^\])]*)[\])]"
)
_QUOTED = re.compile(r"[\"'](\w+)[\"']")
#: ``selectinload("*")``: every relationship of what the statement loads, and of what those
#: load in turn, loads eagerly
_EAGER_WILDCARD = re.compile(
    r"(?:selectinload|joinedload|subqueryload|immediateload)\(\s*[\"']\*[\"']\s*\)"
)
#: the name :func:`silenced` gives for an eager wildcard: every relationship is loaded
WILDCARD = "*"


@dataclass(frozen=True)
class Site:
    """One relationship access."""

    line: int
    col: int
    qual: str
    attr: str
    method: str = ""
    #: where the object comes from: the span of the one value bound to it in the function
    #: (`obj = <value>` or `for obj in <value>`), or None when that is not clear.
    source: tuple[int, int, int, int] | None = None
    #: the query it starts ends in Flask-SQLAlchemy's ``.paginate()``
    paginates: bool = False
    #: the class the object is an instance of where the function says so (its parameter's
    #: annotation, the one entity of the statement that loads it), "" when it does not
    owner_class: str = ""
    #: the relationship the object is read through (``sale.seller.user``: ``seller``), "" when
    #: it is not read through an attribute
    through: str = ""
    #: where the call starts whose result is the one value bound to the object (``wallet =
    #: await get_wallet(...)``), None when it is not one: its return annotation may say the class
    maker: tuple[int, int] | None = None


def add_relationships(cls: ast.ClassDef, found: dict[str, set[str]]) -> None:
    """Add a class body's relationship attributes → their ``lazy=`` values to ``found``.

    From ``relationship()`` and the ``backref()`` it creates on the other class.
    """
    for stmt in cls.body:
        target: ast.expr | None = None
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
        elif isinstance(stmt, ast.AnnAssign):
            target = stmt.target
        value = getattr(stmt, "value", None)
        if not (isinstance(target, ast.Name) and is_relationship(value)):
            continue
        found.setdefault(target.id, set()).add(lazy_mode(value))
        for keyword in value.keywords:
            backref = keyword.value
            if (
                keyword.arg == "backref"
                and isinstance(backref, ast.Call)
                and backref.args
                and isinstance(backref.args[0], ast.Constant)
                and isinstance(backref.args[0].value, str)
            ):
                found.setdefault(backref.args[0].value, set()).add(lazy_mode(backref))


def is_relationship(value: ast.expr | None, sqlmodel: bool = False) -> TypeGuard[ast.Call]:
    """A ``relationship(...)`` call (``orm.relationship(...)`` too); with ``sqlmodel``, SQLModel's
    ``Relationship(...)`` as well."""
    if not isinstance(value, ast.Call):
        return False
    name = _callee(value)
    return name == "relationship" or (sqlmodel and name == "Relationship")


def _callee(call: ast.Call) -> str:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return ""


def lazy_mode(call: ast.Call) -> str:
    """The `lazy=` value of a `relationship()` or `backref()` call ("" when not given)."""
    for keyword in call.keywords:
        if keyword.arg == "lazy" and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    return ""


def silenced(text: str) -> set[str]:
    """Relationships the module already loads eagerly or awaits explicitly; :data:`WILDCARD`
    among them when an eager wildcard loads them all."""
    loaded = {a or b for a, b in _SILENCED.findall(text)}
    for listed in _REFRESHED.findall(text):
        loaded.update(_QUOTED.findall(listed))
    if _EAGER_WILDCARD.search(text):
        loaded.add(WILDCARD)
    return loaded


def is_loaded(attr: str, loaded: set[str]) -> bool:
    """Whether the relationship ``attr`` is among the ``loaded`` ones of :func:`silenced`."""
    return attr in loaded or WILDCARD in loaded


def functions(tree: ast.Module) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """(qualified name, node) with the same naming as the scan: ``Class.method``, ``f.<locals>.g``."""

    def walk(
        body: list[ast.stmt], prefix: str, in_function: bool
    ) -> Iterator[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                qual = f"{prefix}.<locals>.{node.name}" if in_function else prefix + node.name
                yield qual, node
                yield from walk(node.body, qual, True)
            elif isinstance(node, ast.ClassDef) and not in_function:
                yield from walk(node.body, f"{prefix}{node.name}.", False)

    yield from walk(tree.body, "", False)


_NESTED_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _own_nodes(func: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.AST]:
    """The nodes of a function body, not those of nested functions or classes (nor expression
    contexts and operators, which no read here looks at). A lambda's are: it runs where it is
    called, most often right there (``sorted(rows, key=lambda r: r.owner.name)``)."""
    # (a function defined at the top of the body is another function's body as much as one
    # defined in an `if`: its reads are its own, found under its own name when it is async)
    stack: list[ast.AST] = [stmt for stmt in func.body if not isinstance(stmt, _NESTED_SCOPES)]
    while stack:
        node = stack.pop()
        yield node
        for name in child_fields(type(node)):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, ast.AST) and not isinstance(item, _NESTED_SCOPES):
                        stack.append(item)
            elif isinstance(value, ast.AST) and not isinstance(value, _NESTED_SCOPES):
                stack.append(value)


def _instance_access(node: ast.AST, names: set[str] | None) -> ast.Attribute | None:
    """``obj.rel`` (a load on an instance, not ``Model.rel`` on the class), ``get_user().rel`` too.

    ``rel`` is one of ``names``, or anything when ``names`` is None.
    """
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.ctx, ast.Load)
        and (names is None or node.attr in names)
        and isinstance(node.value, (ast.Name, ast.Attribute, ast.Call))
    ):
        if isinstance(node.value, ast.Call):
            return node  # an object returned by a call (`current_user()`, `db.session.get(...)`)
        owner = node.value.id if isinstance(node.value, ast.Name) else node.value.attr
        if not owner[:1].isupper():
            return node
    return None


def lazy_loads(
    tree: ast.Module,
    quals: set[str],
    relationships: set[str],
    plain: frozenset[str] = frozenset(),
    never_mapped: frozenset[str] = frozenset(),
) -> list[Site]:
    """Instance relationship reads inside the given (async) functions; not on a parameter
    annotated with one of the ``plain`` classes (the project's classes that are not mapped: a
    Pydantic schema's ``data.books`` is a list, not a relationship), nor on ``self`` in a
    method of one of the ``never_mapped`` classes (a service's ``self.session`` is its own
    attribute, whatever relationship another class calls ``session``)."""
    found: list[Site] = []
    owners = _method_owners(tree, never_mapped)
    for qual, func in functions(tree):
        if qual not in quals:
            continue
        unmapped = _plain_parameters(func, plain)
        if qual in owners:
            unmapped.add(owners[qual])
        called = _called(func)
        for node in _own_nodes(func):
            access = _instance_access(node, relationships)
            if access is None or id(access) in called:
                continue  # (`products.items()`: a method called, no relationship read)
            owner = access.value.id if isinstance(access.value, ast.Name) else ""
            bound = _bound(func, owner) if owner else None
            if owner in unmapped or _constructed(bound, never_mapped):
                continue
            site = Site(access.lineno, access.col_offset, qual, access.attr, "", _span(bound))
            found.append(
                replace(
                    site,
                    owner_class=_owner_class(func, owner, bound),
                    through=access.value.attr if isinstance(access.value, ast.Attribute) else "",
                    maker=_call_start(bound),
                )
            )
    return sorted(found, key=lambda s: (s.line, s.col))


def _called(func: ast.FunctionDef | ast.AsyncFunctionDef) -> set[int]:
    """The ``id`` of every expression ``func`` calls (``products.items`` of ``products.items()``)."""
    return {id(node.func) for node in _own_nodes(func) if isinstance(node, ast.Call)}


def _owner_class(
    func: ast.FunctionDef | ast.AsyncFunctionDef, name: str, bound: tuple[ast.expr, bool] | None
) -> str:
    """The class ``name`` holds an instance of, where ``func`` says: the annotation of the
    parameter ``name`` (``seller: Seller | None``), or of its assignments, or the one entity of
    the statement whose result is ``bound``, the one value bound to it (``select(Seller)``,
    ``session.get(Seller, id)``)."""
    if not name:
        return ""
    param = _parameter(func, name)
    if param is not None:
        return annotated_class(param.annotation)
    declared = _declared_class(func, name)
    if declared or bound is None:
        return declared
    return _iterated_class(func, bound) or _statement_entity(func, bound[0])


def _parameter(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.arg | None:
    """The parameter of ``func`` called ``name`` (not ``*args``, ``**kwargs``), None if none."""
    params = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
    return next((param for param in params if param.arg == name), None)


def _iterated_class(
    func: ast.FunctionDef | ast.AsyncFunctionDef, bound: tuple[ast.expr, bool]
) -> str:
    """The class of the items of a parameter a loop binds the name to (``for p in purchases``
    of ``purchases: list[Purchase]``)."""
    value, assigned = bound
    if assigned or not isinstance(value, ast.Name):
        return ""
    param = _parameter(func, value.id)
    annotation = param.annotation if param is not None else None
    if not (isinstance(annotation, ast.Subscript) and last_name(annotation.value) in _SEQUENCES):
        return ""
    item = annotation.slice
    if isinstance(item, ast.Tuple) and item.elts:
        item = item.elts[0]  # (`tuple[Purchase, ...]`)
    return annotated_class(item)


#: the generic collections whose items are of their one type argument
_SEQUENCES = frozenset({"list", "List", "Sequence", "Iterable", "set", "Set", "tuple", "Tuple"})


def _declared_class(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> str:
    """The class the annotated assignments of ``name`` in ``func`` name, when they agree."""
    spelled = {
        annotated_class(node.annotation)
        for node in _own_nodes(func)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == name
    }
    return spelled.pop() if len(spelled) == 1 else ""


def _call_start(bound: tuple[ast.expr, bool] | None) -> tuple[int, int] | None:
    """Where the call starts whose result (awaited or not) an assignment binds, the one value
    :func:`_bound` found."""
    if bound is None or not bound[1]:
        return None
    value = bound[0].value if isinstance(bound[0], ast.Await) else bound[0]
    return (value.lineno, value.col_offset) if isinstance(value, ast.Call) else None


def annotated_class(annotation: ast.expr | None) -> str:
    """The class an annotation names, also optional (``X | None``, ``Optional[X]``) or quoted
    (``"X"``); "" for anything else (``list[X]``)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            return annotated_class(ast.parse(annotation.value.strip(), mode="eval").body)
        except SyntaxError:
            return ""
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [annotation.left, annotation.right]
        real = [s for s in sides if not (isinstance(s, ast.Constant) and s.value is None)]
        return annotated_class(real[0]) if len(real) == 1 else ""
    if isinstance(annotation, ast.Subscript) and last_name(annotation.value) == "Optional":
        return annotated_class(annotation.slice)
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        return last_name(annotation)
    return ""


def _statement_entity(
    func: ast.FunctionDef | ast.AsyncFunctionDef, value: ast.expr, depth: int = 2
) -> str:
    """The one class a value's statements load: ``select(C)``, ``query(C)``, ``get(C, id)``,
    also through a name ``func`` assigns once (``result.scalars()`` of ``result = await
    db.execute(select(C))``), ``depth`` names deep; "" when they load none or several."""
    entities: set[str] = set()
    for node in ast.walk(value):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and depth:
            bound = _bound(func, node.id)
            if bound is not None and bound[1] and bound[0] is not value:
                found = _statement_entity(func, bound[0], depth - 1)
                entities.update([found] if found else [])
            continue
        if not isinstance(node, ast.Call) or not node.args:
            continue
        callee = last_name(node.func)
        one = callee in {"select", "query"} and len(node.args) == 1
        if (one or callee == "get") and isinstance(node.args[0], (ast.Name, ast.Attribute)):
            entities.add(last_name(node.args[0]))
    return entities.pop() if len(entities) == 1 else ""


def _constructed(bound: tuple[ast.expr, bool] | None, classes: frozenset[str]) -> bool:
    """Whether ``bound``, the one value a function binds a name to, is an assignment of an
    instance of one of ``classes`` it builds (``svc = WorkflowService(session)``)."""
    if bound is None or not bound[1]:
        return False
    value = bound[0]
    return (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in classes
    )


def _method_owners(tree: ast.Module, classes: frozenset[str]) -> dict[str, str]:
    """The first parameter's name (``self``, ``cls``) of each method of one of ``classes``, by
    the method's qualified name (:func:`functions`), and of each function nested in such a method
    that takes no parameter of that name (it reads the method's)."""
    owners: dict[str, str] = {}
    for qual, func in functions(tree):
        head, _, rest = qual.partition(".")
        method = qual if "<locals>" not in rest else qual.split(".<locals>.")[0]
        if head not in classes or method.count(".") != 1:
            continue
        if method == qual:
            params = [*func.args.posonlyargs, *func.args.args]
            if params and not _is_static(func):
                owners[qual] = params[0].arg
        elif method in owners and owners[method] not in parameter_names(func.args):
            owners[qual] = owners[method]
    return owners


def _is_static(func: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    return any(last_name(d) == "staticmethod" for d in func.decorator_list)


def _plain_parameters(
    func: ast.FunctionDef | ast.AsyncFunctionDef, plain: frozenset[str]
) -> set[str]:
    """The parameters annotated with one of the ``plain`` classes (``data: ShelfIn``)."""
    params = [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
    return {
        param.arg
        for param in params
        if param.annotation is not None
        and last_name(param.annotation, through_subscript=False) in plain
    }


def _bound(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> tuple[ast.expr, bool] | None:
    """The only value ``name`` is bound to in ``func`` (an assignment's value or a ``for``'s
    iterable), and whether an assignment binds it."""
    if _parameter(func, name) is not None:
        return None
    values: list[tuple[ast.expr, bool]] = []
    stores = 0
    for node in _own_nodes(func):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Load):
            stores += 1  # every binding, whatever its form
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id == name:
                values.append((node.value, True))
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            if isinstance(node.target, ast.Name) and node.target.id == name:
                values.append((node.value, True))
        elif (
            isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension))
            and isinstance(node.target, ast.Name)
            and node.target.id == name
        ):
            values.append((node.iter, False))
    return values[0] if stores == 1 and len(values) == 1 else None


def _binding(
    func: ast.FunctionDef | ast.AsyncFunctionDef, name: str
) -> tuple[int, int, int, int] | None:
    """The span of the only value ``name`` is bound to in ``func`` (assignment or ``for``)."""
    return _span(_bound(func, name))


def _span(bound: tuple[ast.expr, bool] | None) -> tuple[int, int, int, int] | None:
    """The span of ``bound``'s value, the one value :func:`_bound` found."""
    if bound is None:
        return None
    value = bound[0]
    if value.end_lineno is None or value.end_col_offset is None:
        return None
    return (value.lineno, value.col_offset, value.end_lineno, value.end_col_offset)


@dataclass(frozen=True)
class ResponseModel:
    """What a route hands to FastAPI to serialize: the classes its ``response_model=`` names (or,
    without one, its return annotation), read after the function returns."""

    qual: str
    line: int
    col: int
    names: frozenset[str]
    #: the span of the one value bound to the one variable the function returns, when it is so
    source: tuple[int, int, int, int] | None = None
    #: the names the function's body reads (the classes it queries among them)
    mentions: frozenset[str] = frozenset()
    #: a returned value holds a query or session call (``db.query(...).first()``, ``db.get(...)``)
    queries: bool = False
    #: the functions whose results are returned (``find_book``, ``crud.get_item``)
    callees: tuple[str, ...] = ()


def response_models(
    tree: ast.Module, quals: set[str], route_decorators: frozenset[str], plain: frozenset[str]
) -> list[ResponseModel]:
    """The response models of the routes among the functions ``quals`` that may return an ORM
    object (not only dicts or instances of the ``plain`` classes), in source order."""
    found: list[ResponseModel] = []
    for qual, func in functions(tree):
        if qual not in quals:
            continue
        model = _response_model(func, route_decorators)
        returned = _returned_values(func, plain) if model is not None else []
        if model is not None and returned:
            found.append(
                ResponseModel(
                    qual,
                    model.lineno,
                    model.col_offset,
                    annotation_names(model),
                    _returned_source(func),
                    frozenset(n.id for n in _own_nodes(func) if isinstance(n, ast.Name)),
                    any(_queries(value) for value in returned),
                    tuple(name for value in returned if (name := _callee_name(value))),
                )
            )
    return sorted(found, key=lambda m: (m.line, m.col))


def _response_model(
    func: ast.FunctionDef | ast.AsyncFunctionDef, route_decorators: frozenset[str]
) -> ast.expr | None:
    """A route's ``response_model=`` value, or its return annotation when it has none; None
    for a function that is not a route or a ``response_model=None``."""
    routes = [
        d for d in func.decorator_list if isinstance(d, ast.Call) and _callee(d) in route_decorators
    ]
    for decorator in routes:
        for keyword in decorator.keywords:
            if keyword.arg == "response_model":
                none = isinstance(keyword.value, ast.Constant) and keyword.value.value is None
                return None if none else keyword.value
    return func.returns if routes else None


def _returned_values(
    func: ast.FunctionDef | ast.AsyncFunctionDef, plain: frozenset[str]
) -> list[ast.expr]:
    """The values ``func`` returns that may be ORM objects for FastAPI to serialize (a variable
    bound once stands for its value): not dicts, constants or new instances of a class that
    is not mapped (a schema built in the route, ``ItemList(items=..., total=...)``)."""
    found: list[ast.expr] = []
    for node in _own_nodes(func):
        if isinstance(node, ast.Return) and node.value is not None:
            value: ast.expr = node.value
            if isinstance(value, ast.Name):
                value = _bound_value(func, value.id) or value
            if not _built_here(value, plain):
                found.append(value)
    return found


#: methods whose result is a query's: ORM objects (``execute()`` gives rows, and the name is
#: common outside sessions: ``use_case.execute()``)
_QUERYING = frozenset(
    {"query", "scalars", "scalar", "first", "one", "one_or_none", "all", "unique"}
    | {"scalar_one", "scalar_one_or_none", "get_or_404", "first_or_404", "one_or_404"}
)


def _queries(value: ast.expr) -> bool:
    """Whether ``value`` holds a query or session call (``db.query(...).first()``,
    ``session.get(Model, key)``)."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            first = node.args[0] if node.args else None
            if method in _QUERYING or (
                method == "get" and isinstance(first, ast.Name) and first.id[:1].isupper()
            ):
                return True
    return False


def _callee_name(value: ast.expr) -> str:
    """``f`` or ``a.f`` for a returned ``f(...)``/``await a.f(...)``; "" for anything else."""
    if isinstance(value, ast.Await):
        value = value.value
    if not isinstance(value, ast.Call):
        return ""
    func = value.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        return f"{func.value.id}.{func.attr}"
    return ""


def _built_here(value: ast.expr, plain: frozenset[str]) -> bool:
    """A value that cannot be an ORM object: a dict, a constant, ``Schema(...)``."""
    if isinstance(value, (ast.Dict, ast.DictComp, ast.Constant, ast.JoinedStr)):
        return True
    return (
        isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in plain
    )


def _bound_value(func: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> ast.expr | None:
    """The one value an assignment binds ``name`` to in ``func``, when there is one."""
    bound = _bound(func, name)
    return bound[0] if bound is not None and bound[1] else None


def _returned_source(
    func: ast.FunctionDef | ast.AsyncFunctionDef,
) -> tuple[int, int, int, int] | None:
    """The span of the value bound to the variable ``func`` returns, when it returns one
    variable, bound once."""
    returned = {
        node.value.id if isinstance(node.value, ast.Name) else ""
        for node in _own_nodes(func)
        if isinstance(node, ast.Return)
    }
    if len(returned) != 1 or "" in returned:
        return None
    return _binding(func, returned.pop())


def silenced_in(func: ast.FunctionDef | ast.AsyncFunctionDef, text: str) -> set[str]:
    """:func:`silenced` of the lines of the function ``func`` (of the module whose text is
    ``text``)."""
    return silenced("\n".join(text.splitlines()[func.lineno - 1 : func.end_lineno or func.lineno]))


#: the names a function imports in its own body, each to (source module, attribute or "")
LocalImports = dict[str, tuple[str, str]]


def local_calls(
    func: ast.FunctionDef | ast.AsyncFunctionDef, path: str
) -> tuple[LocalImports, list[tuple[str, ...]]]:
    """The names the function ``func`` (of the file ``path``) imports in its own body (a test's
    ``from app.models import Book``), and its calls through them as the scan's symbolic call
    targets (``("typed", "Book", "read")``): the scan follows module-level imports only."""
    imports: LocalImports = {}
    calls: list[ast.expr] = []
    for node in _own_nodes(func):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            imports.update(_imported(node, path))
        elif isinstance(node, ast.Call):
            calls.append(node.func)
    targets = [target for func in calls if (target := _call_target(func, imports)) is not None]
    return imports, targets


def _imported(node: ast.Import | ast.ImportFrom, path: str) -> LocalImports:
    """What one import statement binds, as the scan records a module's imports."""
    if isinstance(node, ast.ImportFrom):
        source = from_import_module(path, node.level, node.module or "")
        return {alias.asname or alias.name: (source, alias.name) for alias in node.names}
    return {
        alias.asname or alias.name.split(".")[0]: (
            alias.name if alias.asname else alias.name.split(".")[0],
            "",
        )
        for alias in node.names
    }


def _call_target(func: ast.expr, imports: LocalImports) -> tuple[str, ...] | None:
    """``Name(...)`` or ``Name.method(...)`` through a name of ``imports``, as a call target."""
    if isinstance(func, ast.Name) and func.id in imports:
        return ("sym", func.id)
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)):
        return None
    name = func.value.id
    if name not in imports:
        return None
    typed = imports[name][1] and is_camel(name)
    return ("typed" if typed else "modattr", name, func.attr)


def annotation_names(annotation: ast.expr) -> frozenset[str]:
    """The names an annotation spells, in quoted forward references too
    (``list["ItemOut"] | None`` → list, ItemOut, None)."""
    names: set[str] = set()
    for node in ast.walk(annotation):
        if isinstance(node, ast.Name):
            names.add(node.id)
        elif isinstance(node, ast.Attribute):
            names.add(node.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            names.update(_IDENTIFIER.findall(node.value))
    return frozenset(names)


#: an identifier in a quoted forward reference
_IDENTIFIER = re.compile(r"[A-Za-z_]\w*")

#: the methods of a relationship's AppenderQuery that run or build a legacy query
_QUERY_METHODS = BUILDERS | TERMINALS


def method_accesses(tree: ast.Module) -> list[Site]:
    """``obj.attr.<query method>`` on instances, whatever ``attr`` is, in source order.

    The worker that analyses a file computes them (it does not know the project's relationships);
    :func:`dynamic_queries` keeps those on dynamic relationships.
    """
    return read_accesses(tree)[0]


#: per function (qualified name), the attributes read on instances there
InstanceReads = tuple[tuple[str, frozenset[str]], ...]


def read_accesses(tree: ast.Module) -> tuple[list[Site], InstanceReads]:
    """:func:`method_accesses`, and per function the attributes :func:`lazy_loads` may report
    there, whatever the relationships are (``obj.attr`` read on an instance), in one walk."""
    found: list[Site] = []
    reads: dict[str, set[str]] = {}
    paginated: set[tuple[int, int]] = set()
    mapping_gets: set[int] = set()
    called: set[int] = set()
    for qual, func in functions(tree):
        attrs = reads.setdefault(qual, set())
        for node in _own_nodes(func):  # (a call before its callee)
            if isinstance(node, ast.Call):
                called.add(id(node.func))
            if _mapping_get(node):
                mapping_gets.add(id(node.func))
            if not isinstance(node, ast.Attribute):
                continue
            if _instance_access(node, None) is not None and id(node) not in called:
                attrs.add(node.attr)
            if node.attr == "paginate":
                paginated.update(_chain_starts(node.value))
            if node.attr in _QUERY_METHODS and id(node) not in mapping_gets:
                access = _instance_access(node.value, None)
                if access is not None:
                    found.append(
                        Site(access.lineno, access.col_offset, qual, access.attr, node.attr)
                    )
    found = [
        replace(site, paginates=True) if (site.line, site.col) in paginated else site
        for site in found
    ]
    instance_reads = tuple((qual, frozenset(attrs)) for qual, attrs in reads.items() if attrs)
    return sorted(found, key=lambda s: (s.line, s.col)), instance_reads


def _mapping_get(node: ast.AST) -> TypeGuard[ast.Call]:
    """``obj.attrs.get("key", default)``: a mapping's ``get``, since a query's ``get(ident)``
    takes the one primary key (a plain ``attrs`` dict named like a dynamic relationship)."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and len(node.args) + len(node.keywords) > 1
    )


def _chain_starts(node: ast.expr) -> Iterator[tuple[int, int]]:
    """The positions of the instance reads a call chain below ``node`` starts from
    (``author.books`` of ``author.books.order_by(Book.id)``)."""
    while isinstance(node, (ast.Call, ast.Attribute)):
        if isinstance(node, ast.Call):
            node = node.func
            continue
        if _instance_access(node, None) is not None:
            yield node.lineno, node.col_offset
        node = node.value


def may_load(reads: InstanceReads, quals: set[str], relationships: set[str]) -> bool:
    """Whether :func:`lazy_loads` can find anything in these functions of a file (its
    ``instance_reads``): only an attribute read on an instance there is reported."""
    return any(qual in quals and not attrs.isdisjoint(relationships) for qual, attrs in reads)


def dynamic_queries(accesses: Iterable[Site], dynamic: set[str]) -> list[Site]:
    """``obj.rel.filter(...)...`` on ``lazy="dynamic"`` relationships (legacy AppenderQuery)."""
    return [site for site in accesses if site.attr in dynamic]
