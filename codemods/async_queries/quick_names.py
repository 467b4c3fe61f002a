"""What the `ast` fast path knows before it walks: module names, classes, parameters, locals.

The `ast` twin of ``analyze.module_info``, ``analyze.class_info``, ``analyze._param_kind`` and
``analyze._BodyLocals``, with the same rules.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field

from backfix.ast_utils import dotted, last_name
from backfix.project import module_name

from . import chains as ch
from .analyze import (
    _LIBRARIES,
    DEPENDS,
    ClassInfo,
    ModuleInfo,
    binds_fsa_db,
    session_like,
)
from .model import DEP_PREFIX, KIND_UNKNOWN
from .quick_source import Unsure, _blocks, _Source, _statements

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef


def module_info(
    tree: ast.Module, path: str, source: _Source, not_sessions: Collection[str] = ()
) -> ModuleInfo:
    """``analyze.module_info`` from the `ast` tree."""
    info = ModuleInfo(module_name(path))
    for node in _module_statements(tree.body):
        if isinstance(node, ast.Import):
            _import(node, info, source)
        elif isinstance(node, ast.ImportFrom):
            _import_from(node, info, path, source)
    classes = [stmt.name for stmt in tree.body if isinstance(stmt, ast.ClassDef)]
    info.exclude_foreign(classes, not_sessions)
    for stmt in tree.body:
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            info.functions.add(stmt.name)
        elif isinstance(stmt, ast.ClassDef):
            info.classes.add(stmt.name)
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            _module_assignment(stmt, info, source)
    for local, (origin, attr) in info.imports.items():
        foreign = local in info.foreign
        if attr and "Session" in local and not foreign and origin.split(".")[0] not in _LIBRARIES:
            info.session_aliases.setdefault(local, KIND_UNKNOWN)
    return info


def _module_statements(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements at module level and in its blocks, not in functions or classes, in order."""
    for stmt in body:
        yield stmt
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for block in _blocks(stmt):
            yield from _module_statements(block)


def _dotted(name: str, stmt: ast.stmt, source: _Source) -> str:
    """An imported dotted name as LibCST's code gives it: as written, which must be ``name``."""
    if "." in name and name not in _statement_text(stmt, source):
        raise Unsure("whitespace inside a dotted name")
    return name


def _statement_text(stmt: ast.stmt, source: _Source) -> str:
    end = stmt.end_lineno or stmt.lineno
    return "\n".join(source.lines[stmt.lineno - 1 : end])


def _import(node: ast.Import, info: ModuleInfo, source: _Source) -> None:
    for alias in node.names:
        dotted = _dotted(alias.name, node, source)
        top = dotted.split(".")[0]
        if top in {"fastapi", "starlette"}:
            info.fastapi = True
        if top == "flask":
            info.flask = True
        if alias.asname is not None:
            info.imports[alias.asname] = (dotted, "")
        else:
            info.imports[top] = (top, "")


def _import_from(node: ast.ImportFrom, info: ModuleInfo, path: str, source: _Source) -> None:
    base = _dotted(node.module, node, source) if node.module is not None else ""
    base = info.import_source(path, node.level, base)
    if len(node.names) == 1 and node.names[0].name == "*":
        return
    for alias in node.names:
        local = alias.asname or alias.name
        info.imports[local] = (base, alias.name)
        if binds_fsa_db(base, alias.name):
            info.db_names.add(local)


def _module_assignment(stmt: ast.Assign | ast.AnnAssign, info: ModuleInfo, source: _Source) -> None:
    """``analyze._module_assignment``: aliases, factories, sessions and ``db`` objects."""
    if isinstance(stmt, ast.AnnAssign):
        if stmt.value is None:
            return
        targets: list[ast.expr] = [stmt.target]
    else:
        targets = stmt.targets
    value = stmt.value
    names = [t.id for t in targets if isinstance(t, ast.Name)]
    made = _factory_kind(value, info) if isinstance(value, ast.Call) else None
    info.define(names, _alias_kind(value, info, source), made)
    if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name):
        info.alias_db(names, value.value.id, value.attr)
    if isinstance(value, ast.Call) and _last(value.func) == "Table":
        info.tables.update(names)


def _last(node: ast.expr | None) -> str:
    """``analyze._last_name``: a subscript has no name; ``None``, ``True`` and ``False`` do."""
    while isinstance(node, ast.Call):
        node = node.func
    if node is None:
        return ""
    return _identifier(node) or last_name(node, through_subscript=False)


def _identifier(node: ast.expr) -> str:
    """The identifier of a name, where LibCST has a ``Name`` node: also ``None``, ``True`` and
    ``False``, which `ast` holds as constants; "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Constant) and (node.value is None or isinstance(node.value, bool)):
        return str(node.value)
    return ""


def _elements(node: ast.Subscript) -> list[ast.expr]:
    """The slice elements LibCST sees: ``X[a, b]`` has two, ``X[(a, b)]`` one (a tuple)."""
    inner = node.slice
    if isinstance(inner, ast.Tuple) and inner.elts:
        first = inner.elts[0]
        if (first.lineno, first.col_offset) == (inner.lineno, inner.col_offset):
            return list(inner.elts)
        raise Unsure("a tuple in parentheses, or parentheses around its first element")
    return [inner]


def _index(node: ast.expr) -> ast.expr | None:
    """A slice element's value, None for a slice (``a:b``), as LibCST's ``Index``."""
    return None if isinstance(node, ast.Slice) else node


def annotation_type(node: ast.expr | None, source: _Source) -> str:
    """``analyze.annotation_type`` of the `ast` annotation."""
    if node is None:
        return ""
    if isinstance(node, ast.Subscript):
        if _last(node.value) in {"Annotated", "Optional"}:
            first = _index(_elements(node)[0])
            if first is not None:
                return annotation_type(first, source)
        return ""
    if isinstance(node, ast.BinOp):
        return annotation_type(node.left, source)
    return _last(node)


def _alias_kind(value: ast.expr | None, info: ModuleInfo, source: _Source) -> str | None:
    """The session kind of ``Annotated[Session, ...]`` (None when it is not one)."""
    if isinstance(value, ast.Subscript) and _last(value.value) == "Annotated":
        first = _index(_elements(value)[0])
        if first is not None:
            return info.type_kind(annotation_type(first, source))
    return None


def _factory_kind(call: ast.Call, info: ModuleInfo) -> tuple[str, str] | None:
    """``analyze._factory_kind``: ("factory", kind), ("session", kind) or ("db", "")."""
    name = _last(call.func)
    if info.not_sessions and info.names_foreign(dotted(call.func)):
        return None
    if name == "async_sessionmaker":
        return "factory", "async"
    if name == "sessionmaker":
        for argument in call.keywords:
            if argument.arg == "class_":
                return "factory", info.type_kind(_last(argument.value)) or KIND_UNKNOWN
        return "factory", "sync"
    if name in {"scoped_session", "Session", "object_session"}:
        return "session", "sync"
    if name in {"async_scoped_session", "AsyncSession"}:
        return "session", "async"
    if name == "SQLAlchemy":
        return "db", ""
    func = call.func
    if isinstance(func, ast.Name) and func.id in info.factories:
        return "session", info.factories[func.id]
    if (
        isinstance(func, ast.Name)
        and "Session" in func.id
        and info.imports.get(func.id, ("", ""))[1]
        and info.imports[func.id][0].split(".")[0] not in _LIBRARIES
    ):
        return "session", KIND_UNKNOWN
    return None


def _depends_target(node: ast.expr | None) -> str:
    if isinstance(node, ast.Call) and _last(node.func) in DEPENDS and _arguments(node):
        return _last(_arguments(node)[0])
    return ""


def _arguments(call: ast.Call) -> list[ast.expr]:
    """The values of a call's arguments in source order, as LibCST lists them."""
    values = [*call.args, *(k.value for k in call.keywords)]
    if call.keywords and call.args and _position(call.keywords[0]) < _position(call.args[-1]):
        values.sort(key=_position)
    return [v.value if isinstance(v, ast.Starred) else v for v in values]


def _position(node: ast.AST) -> tuple[int, int]:
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _annotated_depends(node: ast.expr | None, source: _Source) -> str:
    if isinstance(node, ast.Subscript) and _last(node.value) == "Annotated":
        for element in _elements(node)[1:]:
            value = _index(element)
            target = _depends_target(value)
            if target:
                return target
    return ""


@dataclass
class _Param:
    """One parameter LibCST's ``_all_params`` lists: name, annotation, default."""

    name: str
    annotation: ast.expr | None
    default: ast.expr | None


def _parameters(arguments: ast.arguments) -> list[_Param]:
    """Positional-only, plain and keyword-only parameters, then ``*args`` (not ``**kwargs``)."""
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults))
    defaults += arguments.defaults
    found = [_Param(a.arg, a.annotation, d) for a, d in zip(positional, defaults, strict=True)]
    found += [
        _Param(a.arg, a.annotation, d)
        for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
    ]
    if arguments.vararg is not None:
        found.append(_Param(arguments.vararg.arg, arguments.vararg.annotation, None))
    return found


def _param_kind(
    param: _Param, session_names: frozenset[str], info: ModuleInfo, source: _Source
) -> tuple[str | None, str]:
    """``analyze._param_kind``: (session kind or None, class symbol)."""
    type_name = annotation_type(param.annotation, source)
    kind = info.type_kind(type_name) or info.session_aliases.get(type_name)
    if kind is not None:
        return kind, ""
    dep = _depends_target(param.default) or _annotated_depends(param.annotation, source)
    if dep and (dep.endswith(("db", "session", "Session")) or param.name in session_names):
        return DEP_PREFIX + dep, ""
    if param.name in session_names:
        return KIND_UNKNOWN, ""
    return None, type_name if ch.is_camel(type_name) else ""


def class_info(
    node: ast.ClassDef, info: ModuleInfo, session_names: frozenset[str], source: _Source
) -> ClassInfo:
    """``analyze.class_info``: session-typed and class-typed instance attributes."""
    result = ClassInfo(node.name)
    suite = not source.starts_line(node.body[0])
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and not suite and isinstance(stmt.target, ast.Name):
            type_name = annotation_type(stmt.annotation, source)
            kind = info.type_kind(type_name)
            if kind is not None:
                result.sessions[stmt.target.id] = kind
            elif ch.is_camel(type_name):
                result.types[stmt.target.id] = type_name
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        params = {
            p.name: _param_kind(p, session_names, info, source) for p in _parameters(stmt.args)
        }
        for inner in _statements(stmt.body, into_definitions=True):
            if isinstance(inner, ast.Assign):
                _self_assign(inner, params, result, info)
    for name in session_names:
        result.sessions.setdefault(name, KIND_UNKNOWN)
    return result


def _self_assign(
    assign: ast.Assign,
    params: dict[str, tuple[str | None, str]],
    result: ClassInfo,
    info: ModuleInfo,
) -> None:
    """``self.x = <param>`` / ``self.x = Factory()`` / ``self.x = Class(...)``."""
    for target in assign.targets:
        if not (
            isinstance(target, ast.Attribute)
            and isinstance(target.value, ast.Name)
            and target.value.id == "self"
        ):
            continue
        name, value = target.attr, assign.value
        if isinstance(value, ast.Name) and value.id in params:
            kind, type_name = params[value.id]
            if kind is not None:
                result.sessions[name] = kind
            elif type_name:
                result.types[name] = type_name
        elif isinstance(value, ast.Call):
            made = _factory_kind(value, info)
            callee = _last(value.func)
            if made is not None and made[0] == "session":
                result.sessions[name] = made[1]
            elif _identifier(value.func) and ch.is_camel(callee):
                result.types[name] = callee


@dataclass
class _Frame:
    """A function's locals: which names are sessions, instances of known classes."""

    qual: str
    is_async: bool
    sessions: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    locals: set[str] = field(default_factory=set)
    aliased: set[str] = field(default_factory=set)  # `aliased(...)` locals
    columns: set[str] = field(default_factory=set)  # ``analyze.Frame.columns``
    not_columns: set[str] = field(default_factory=set)
    db_names: set[str] = field(default_factory=set)  # `from app import db` in the function
    awaits_session: bool = False


def _body_locals(frame: _Frame, body: list[ast.stmt], info: ModuleInfo, source: _Source) -> None:
    """``analyze._BodyLocals``: assignments, ``with ... as`` and loop targets of one body."""
    for stmt in _statements(body, into_definitions=False):
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                _bind(frame, target, stmt.value, info)
        elif isinstance(stmt, ast.AnnAssign):
            kind = info.type_kind(annotation_type(stmt.annotation, source))
            if kind is not None and isinstance(stmt.target, ast.Name):
                frame.sessions[stmt.target.id] = kind
                frame.locals.add(stmt.target.id)
                frame.not_columns.add(stmt.target.id)
            else:
                _bind(frame, stmt.target, stmt.value, info)
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                _with_item(frame, item, info)
        elif isinstance(stmt, (ast.For, ast.AsyncFor)) and isinstance(stmt.target, ast.Name):
            frame.locals.add(stmt.target.id)
            frame.not_columns.add(stmt.target.id)
        elif isinstance(stmt, ast.ImportFrom):
            _local_import_from(frame, stmt)


def _local_import_from(frame: _Frame, stmt: ast.ImportFrom) -> None:
    """``analyze._BodyLocals.visit_ImportFrom``: the function's own ``from app import db``."""
    module = "" if stmt.level or stmt.module is None else stmt.module
    for alias in stmt.names:
        if alias.name != "*" and binds_fsa_db(module, alias.name):
            frame.db_names.add(alias.asname or alias.name)


def _bind(frame: _Frame, target: ast.expr, value: ast.expr | None, info: ModuleInfo) -> None:
    if not isinstance(target, ast.Name):
        return
    name = target.id
    frame.locals.add(name)
    column = isinstance(value, ast.Call) and ch.makes_column(
        value.func.attr if isinstance(value.func, ast.Attribute) else "", dotted(value.func)
    )
    (frame.columns if column else frame.not_columns).add(name)
    if not isinstance(value, ast.Call):
        return
    made = _factory_kind(value, info)
    callee = _last(value.func)
    if made is not None and made[0] == "session":
        frame.sessions[name] = made[1]
    elif callee == "aliased":
        frame.aliased.add(name)
    elif _identifier(value.func) and ch.is_camel(callee):
        frame.types[name] = callee


def _with_item(frame: _Frame, item: ast.withitem, info: ModuleInfo) -> None:
    target = item.optional_vars
    if target is None:
        return
    _bind(frame, target, item.context_expr, info)
    value = item.context_expr
    if isinstance(target, ast.Name) and isinstance(value, ast.Name):
        if value.id in frame.sessions:
            frame.sessions[target.id] = frame.sessions[value.id]
        elif session_like(value.id):
            frame.sessions[target.id] = KIND_UNKNOWN
