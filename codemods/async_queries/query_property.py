"""``Model.query`` from ``scoped_session.query_property()``: the session behind it.

``Base.query = db_session.query_property()`` (the pattern of Flask's own SQLAlchemy docs, with no
Flask-SQLAlchemy) gives every model a legacy ``Model.query`` bound to ``db_session``, a
``scoped_session`` of the project. Its chains become ``db_session.scalars(select(Model)...)``, with
``db_session`` imported from the module that defines it. A base model's class property does the
same by hand (mage-ai's ``@classproperty def query(cls): return db_connection.session.query(cls)``):
its chains read the session as the property does, ``db_connection.session``. A session a function
rebinds (``global``) is read through its module (``database.db_session``), which gives the current
one. They stay for review where that would not mean the same: several query properties, a rebound
session of a module in no package, or a query class of the project's own (``query_cls=``), whose
methods the rewrite would drop.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace

from backfix.ast_utils import dotted
from backfix.project import from_import_module
from backfix.source import python_tree

#: modules whose ``Query`` class adds only the helpers a rewrite never emits (``get_or_404``...),
#: which the plan reports by name; SQLAlchemy's own is the plain legacy ``Query``
_KNOWN_QUERY_MODULES = ("sqlalchemy.orm", "sqlalchemy.orm.query", "flask_sqlalchemy")


@dataclass(frozen=True)
class QuerySession:
    """The ``scoped_session`` behind the project's ``Model.query``."""

    #: the module that binds it (dotted), and its name there
    module: str
    name: str
    #: why chains on it stay for review ("" when they convert)
    refuse: str = ""
    #: the attribute of ``name`` that holds the session, read when a query runs (``session`` of
    #: ``db_connection.session``); "" when ``name`` is the session
    attribute: str = ""
    #: the module whose function rebinds the session (``global session``), which ``name`` is
    #: then (``db`` of ``from app.storage import db``, read as ``db.session``); "" for none
    rebound_in: str = ""

    @property
    def expression(self) -> str:
        """The code that reads the session: ``db_session``, ``db_connection.session``."""
        return f"{self.name}.{self.attribute}" if self.attribute else self.name

    @property
    def origin(self) -> str:
        """How the project makes ``Model.query`` from it, as a reason quotes it."""
        if self.rebound_in:
            return f"`{self.attribute}.query_property()`"
        if self.attribute:
            return f"a class property returning `{self.expression}.query(cls)`"
        return f"`{self.name}.query_property()`"

    def seen_from(self, module: str) -> QuerySession:
        """The session as the code of ``module`` reads it: a rebound one by its own name in the
        module that rebinds it (a global it reads when the query runs), through that module
        elsewhere."""
        if self.rebound_in and module == self.module:
            # (the package's own `__init__` would import its submodule while it is imported)
            return replace(
                self,
                refuse=f"`Model.query` reads `{self.expression}`, whose module "
                f"`{self.rebound_in}` rebinds it, and this module is that module's package: "
                f"importing `{self.name}` here could be circular; rewrite by hand",
            )
        if self.rebound_in != module:
            return self
        return replace(self, module=module, name=self.attribute, attribute="", rebound_in="")


def find_query_session(
    files: Iterable[str], read: Callable[[str], bytes | None], module_name: Callable[[str], str]
) -> QuerySession | None:
    """The session of the project's ``X.query = session.query_property()``; None when no module
    sets one."""
    found: list[QuerySession] = []
    for path, tree in trees_holding(files, read, (b"query_property(", b"def query(")):
        found += _sessions_in(tree, path, module_name(path))
    distinct = list(dict.fromkeys(found))
    if not distinct:
        return None
    if len({(s.module, s.name) for s in distinct}) > 1:
        names = ", ".join(f"`{s.module}.{s.name}`" for s in distinct)
        return QuerySession(
            distinct[0].module,
            distinct[0].name,
            f"the project sets `Model.query` from several sessions ({names}): which one a model's "
            "query uses depends on its base class; rewrite by hand with that session",
        )
    return distinct[0]


def trees_holding(
    files: Iterable[str], read: Callable[[str], bytes | None], markers: tuple[bytes, ...]
) -> Iterator[tuple[str, ast.Module]]:
    """Each file of ``files`` whose text holds one of ``markers``, with its tree (the others, and
    the files Python cannot parse, are never parsed)."""
    for path in files:
        raw = read(path) or b""
        if any(marker in raw for marker in markers):
            tree = python_tree(raw)
            if tree is not None:
                yield path, tree


def _sessions_in(tree: ast.Module, path: str, module: str) -> list[QuerySession]:
    imports = _module_imports(tree, path)
    module_names = _module_level_names(tree)
    owners = _enclosing_functions(tree)
    sessions = _class_properties(tree, module, imports, module_names)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Assign) or not _is_query_target(node.targets):
            continue
        call = node.value
        if not (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "query_property"
            and isinstance(call.func.value, ast.Name)
        ):
            continue
        name = call.func.value.id
        home = imports.get(name, (module, name))
        classes = [*call.args[:1], *_query_cls_arguments(tree)]
        refuse = _local_session(
            name, owners.get(id(node)), path, module_names
        ) or _custom_query_class(classes, imports)
        rebound = _rebound(tree, name)
        through = _through_module(module, name, imports) if rebound and not refuse else None
        sessions.append(through or QuerySession(home[0], home[1], refuse or rebound))
    return sessions


def _through_module(
    module: str, name: str, imports: dict[str, tuple[str, str]]
) -> QuerySession | None:
    """The session ``name`` that a function of ``module`` rebinds (``global session``), read
    through ``module`` when a query runs (``db.session`` of ``from app.storage import db``),
    which gives the current one, as ``Model.query`` does; None where ``module`` is in no package
    (no ``from`` import names it) or imports the name."""
    package, _, last = module.rpartition(".")
    if not package or name in imports:
        return None
    return QuerySession(package, last, attribute=name, rebound_in=module)


#: decorators that make a method a property of the class (``Model.query``, not ``Model().query``)
CLASS_PROPERTIES = frozenset({"classproperty", "class_property"})


def is_class_property(node: ast.FunctionDef) -> bool:
    """Whether ``node`` is decorated as a property of its class (:data:`CLASS_PROPERTIES`)."""
    return any(dotted(d).rpartition(".")[2] in CLASS_PROPERTIES for d in node.decorator_list)


def _class_properties(
    tree: ast.Module, module: str, imports: dict[str, tuple[str, str]], module_names: set[str]
) -> list[QuerySession]:
    """The sessions of the module's classes' ``@classproperty def query(cls): return
    <session>.query(cls)``, where ``<session>`` is a name the module binds (``db_session``) or
    an attribute of one (``db_connection.session``)."""
    sessions: list[QuerySession] = []
    for cls in tree.body:
        for node in cls.body if isinstance(cls, ast.ClassDef) else ():
            session = _returned_session(node)
            if session is None or session[0] not in module_names:
                continue
            name, attribute = session
            home = imports.get(name, (module, name))
            refuse = _rebound(tree, name) or _custom_query_class(
                _query_cls_arguments(tree), imports
            )
            sessions.append(QuerySession(home[0], home[1], refuse, attribute))
    return sessions


def _returned_session(node: ast.stmt) -> tuple[str, str] | None:
    """(name, attribute) of ``<name>[.<attribute>].query(cls)``, which the class property
    ``query`` (``node``) returns as its whole body; None for anything else."""
    if not (
        isinstance(node, ast.FunctionDef)
        and node.name == "query"
        and is_class_property(node)
        and len(node.body) == 1
        and isinstance(node.body[0], ast.Return)
        and node.args.args
    ):
        return None
    call = node.body[0].value
    if not (
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "query"
        and len(call.args) == 1
        and not call.keywords
        and isinstance(call.args[0], ast.Name)
        and call.args[0].id == node.args.args[0].arg
    ):
        return None
    receiver = call.func.value
    if isinstance(receiver, ast.Name):
        return receiver.id, ""
    if isinstance(receiver, ast.Attribute) and isinstance(receiver.value, ast.Name):
        return receiver.value.id, receiver.attr
    return None


def _module_level_names(tree: ast.Module) -> set[str]:
    """The names the module itself binds (not those of its functions, classes and
    comprehensions): what another module can import from it."""
    names: set[str] = set()
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif not isinstance(node, _OWN_SCOPES):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            stack.extend(ast.iter_child_nodes(node))
    return names


#: expressions whose names are their own, not the module's
_OWN_SCOPES = (ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _enclosing_functions(tree: ast.Module) -> dict[int, str]:
    """The name of the innermost function around each node (by ``id``) inside one."""
    owners: dict[int, str] = {}
    for function in ast.walk(tree):
        if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            # (ast.walk is breadth-first: an inner function, met later, overwrites its nodes)
            for inner in ast.walk(function):
                if inner is not function:
                    owners[id(inner)] = function.name
    return owners


def _local_session(name: str, function: str | None, path: str, module_names: set[str]) -> str:
    """Why ``name`` is no session another module can import: a local variable of the function
    that sets the query property (``db_session = scoped_session(...)`` inside
    ``create_session()``)."""
    if function is None or name in module_names:
        return ""
    return (
        f"`Model.query` comes from `{name}.query_property()` in `{function}()` of {path}, where "
        f"`{name}` is a local variable: no module holds that session for the rewritten code to "
        "import; rewrite by hand with the session the code has at hand (the one "
        f"`{function}()` returns, or one the function is given)"
    )


def _is_query_target(targets: list[ast.expr]) -> bool:
    """``Base.query = ...`` or, in a class body, ``query = ...``."""
    return len(targets) == 1 and (
        (isinstance(targets[0], ast.Attribute) and targets[0].attr == "query")
        or (isinstance(targets[0], ast.Name) and targets[0].id == "query")
    )


def _module_imports(tree: ast.Module, path: str) -> dict[str, tuple[str, str]]:
    """Local name → (absolute module, imported name) of the ``from`` imports of the module at
    ``path``."""
    imports: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            source = from_import_module(path, node.level, node.module or "")
            for alias in node.names:
                imports[alias.asname or alias.name] = (source, alias.name)
    return imports


def _rebound(tree: ast.Module, name: str) -> str:
    """Why ``name`` cannot be imported by name: a function rebinds it through ``global``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        declared = any(
            isinstance(stmt, ast.Global) and name in stmt.names for stmt in ast.walk(node)
        )
        assigned = any(
            isinstance(target, ast.Name) and target.id == name
            for stmt in ast.walk(node)
            if isinstance(stmt, ast.Assign)
            for target in stmt.targets
        )
        if declared and assigned:
            return (
                f"`{node.name}()` rebinds the session `{name}` (`global`): a module that imports "
                "it by name would keep the first one; rewrite by hand with the current session"
            )
    return ""


def _query_cls_arguments(tree: ast.Module) -> list[ast.expr]:
    """The ``query_cls=`` arguments in ``tree`` (of ``sessionmaker``, ``configure``...)."""
    return [
        keyword.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for keyword in node.keywords
        if keyword.arg == "query_cls"
    ]


def _custom_query_class(classes: list[ast.expr], imports: dict[str, tuple[str, str]]) -> str:
    """Why a query class the session uses may hold behaviour of the project's own."""
    for value in classes:
        name = value.id if isinstance(value, ast.Name) else ast.unparse(value)
        source = imports.get(name, ("", ""))[0]
        if not source.startswith(_KNOWN_QUERY_MODULES):
            return (
                f"the session's query class is `{name}`, whose methods may filter or change "
                "what a query returns; `select()` would drop that: rewrite by hand"
            )
    return ""
