"""Per-file facts: sessionless service classes, their singletons, and how module-level names are used.

Names are resolved through LibCST's scope analysis: a reference is an access of the module-level
binding (an import or an assignment), never a local variable that happens to share its name.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

import libcst as cst
from libcst.metadata import Assignment, BaseAssignment, GlobalScope, ImportAssignment

from backfix.cst_positions import CodeRanges
from backfix.cst_scopes import resolve_inner_scopes
from backfix.cst_utils import dotted, last_name
from backfix.cst_walk import (
    STATEMENT_HOLDERS,
    Parents,
    WalkVisitor,
    children,
    read_only_visits,
    walk,
)

from .model import (
    ATTR_ASSIGN,
    BASE,
    CALL,
    METHOD_CALL,
    VALUE,
    FileData,
    Function,
    Origin,
    Param,
    Reference,
    Service,
    Singleton,
)

#: methods only a database session has (``get``/``add``/``delete`` alone are too common to tell)
SESSION_METHODS = frozenset(
    {
        "query",
        "execute",
        "scalars",
        "scalar",
        "commit",
        "flush",
        "refresh",
        "rollback",
        "add_all",
        "merge",
        "expunge",
        "begin_nested",
    }
)
#: methods that change a container kept on the instance
MUTATORS = frozenset(
    {"append", "extend", "update", "add", "pop", "clear", "setdefault", "insert", "remove"}
)
ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "options", "head", "api_route", "route", "websocket"}
)
#: library classes that set ``self.session`` in their own ``__init__`` (Flask-SQLAlchemy's
#: extension): a subclass that calls ``self.session.flush()`` has one
SESSION_SETTING_BASES = frozenset({"SQLAlchemy"})
SESSION_TYPE = re.compile(r"Session")
SESSION_DEPENDENCY = re.compile(r"(?:^|\.)get_(?:async_)?(?:db|session|db_session)$")


def _code(node: cst.CSTNode) -> str:
    return cst.Module(body=[]).code_for_node(node)


def _is_none(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _self_attr(node: cst.BaseExpression, self_name: str) -> str:
    """``attr`` when ``node`` is ``self.attr``."""
    if (
        isinstance(node, cst.Attribute)
        and isinstance(node.value, cst.Name)
        and node.value.value == self_name
    ):
        return node.attr.value
    return ""


class _MethodScan(WalkVisitor):
    """What one method does with ``self``: session calls, assignments, stored state."""

    def __init__(self, self_name: str, params: frozenset[str] = frozenset()) -> None:
        self.self_name = self_name
        #: the method's own parameters: ``self.db = db`` from one of them is a setter's assignment
        self.params = params
        self.session_calls: dict[str, str] = {}
        self.assigned: dict[str, bool] = {}  # attr -> only ever None
        self.from_params: set[str] = set()  # attrs assigned a parameter of the method
        self.mutated: set[str] = set()

    def visit_Call(self, node: cst.Call) -> None:
        if not isinstance(node.func, cst.Attribute):
            return
        attr = _self_attr(node.func.value, self.self_name)
        if attr and node.func.attr.value in SESSION_METHODS:
            self.session_calls.setdefault(attr, node.func.attr.value)
        if attr and node.func.attr.value in MUTATORS:
            self.mutated.add(attr)

    def _target(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        attr = _self_attr(target, self.self_name)
        if attr:
            self.assigned[attr] = self.assigned.get(attr, True) and _is_none(value)
            if isinstance(value, cst.Name) and value.value in self.params:
                self.from_params.add(attr)
        elif isinstance(target, cst.Subscript):
            inner = _self_attr(target.value, self.self_name)
            if inner:
                self.mutated.add(inner)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value, None)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target, node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target, None)


def _first_param(function: cst.FunctionDef) -> str:
    params = function.params.params or function.params.posonly_params
    return params[0].name.value if params else ""


def _class_attributes(stmt: cst.SimpleStatementLine) -> dict[str, bool]:
    """Class attributes a statement defines → whether the value is None (or absent)."""
    found: dict[str, bool] = {}
    for small in stmt.body:
        if isinstance(small, cst.Assign):
            for target in small.targets:
                if isinstance(target.target, cst.Name):
                    found[target.target.value] = _is_none(small.value)
        elif isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
            found[small.target.value] = small.value is None or _is_none(small.value)
    return found


def _params(function: cst.FunctionDef) -> frozenset[str]:
    every = [
        *function.params.posonly_params,
        *function.params.params,
        *function.params.kwonly_params,
    ]
    return frozenset(p.name.value for p in every[1:])


class _ClassScan:
    """What the methods and class attributes of one class do with attributes of ``self``."""

    def __init__(self, node: cst.ClassDef) -> None:
        self.calls: dict[str, str] = {}
        self.assigned: dict[str, bool] = {}
        #: attr -> methods (not ``__init__``) that set it from their own parameter: setters
        self.setters: dict[str, set[str]] = {}
        #: attr -> assignments that are neither None nor a setter's
        self.other_values: set[str] = set()
        self.stored: set[str] = set()
        self.init: cst.FunctionDef | None = None
        self.class_attrs: dict[str, bool] = {}
        self.methods: set[str] = set()
        for stmt in node.body.body:
            if isinstance(stmt, cst.FunctionDef):
                self._method(stmt)
            elif isinstance(stmt, cst.SimpleStatementLine):
                self.class_attrs.update(_class_attributes(stmt))

    def _method(self, stmt: cst.FunctionDef) -> None:
        name = stmt.name.value
        self.methods.add(name)
        if name == "__init__":
            self.init = stmt
        scan = _MethodScan(_first_param(stmt), _params(stmt) if name != "__init__" else frozenset())
        walk(stmt, scan)
        for attr, method in scan.session_calls.items():
            self.calls.setdefault(attr, method)
        for attr, only_none in scan.assigned.items():
            self.assigned[attr] = self.assigned.get(attr, True) and only_none
            if attr in scan.from_params:
                self.setters.setdefault(attr, set()).add(name)
            elif not only_none:
                self.other_values.add(attr)
        if name != "__init__":
            self.stored |= set(scan.assigned) | scan.mutated

    def unset(self, attr: str) -> bool:
        """Nothing in the class gives ``self.<attr>`` a session, except setters called from outside."""
        set_only_by_setters = attr in self.setters and attr not in self.other_values
        return (
            (self.assigned.get(attr, True) or set_only_by_setters)
            and self.class_attrs.get(attr, True)
            and attr not in self.methods
        )


def scan_service(node: cst.ClassDef) -> Service | None:
    """The class as a sessionless service, or None when no session attribute is left unset."""
    if any(last_name(base.value) in SESSION_SETTING_BASES for base in node.bases):
        return None
    scan = _ClassScan(node)
    unset = tuple(attr for attr in scan.calls if scan.unset(attr))
    if not unset:
        return None
    init = scan.init
    params: tuple[str, ...] = ()
    if init is not None:
        every = [*init.params.posonly_params, *init.params.params, *init.params.kwonly_params]
        params = tuple(p.name.value for p in every[1:])
        if isinstance(init.params.star_arg, cst.Param) or init.params.star_kwarg is not None:
            params += ("*",)
    return Service(
        name=node.name.value,
        line=0,
        attr=unset[0],
        method=scan.calls[unset[0]],
        has_init=init is not None,
        init_params=params,
        bases=tuple(dotted(b.value) or _code(b.value) for b in node.bases),
        state_line=int(bool(scan.stored - set(unset))),
        attrs=unset,
        setters=tuple(sorted(scan.setters.get(unset[0], ()))),
    )


def _depends_target(node: cst.BaseExpression | None) -> str:
    """The dotted callee of ``Depends(x)`` / ``Security(x)``, searched inside ``node``."""
    if node is None:
        return ""
    if isinstance(node, cst.Call) and last_name(node.func) in {"Depends", "Security"}:
        return dotted(node.args[0].value) if node.args else ""
    if isinstance(node, cst.Subscript):
        for element in node.slice:
            if isinstance(element.slice, cst.Index):
                found = _depends_target(element.slice.value)
                if found:
                    return found
    return ""


def _param(param: cst.Param) -> Param:
    annotation = param.annotation.annotation if param.annotation is not None else None
    return Param(
        name=param.name.value,
        annotation=_code(annotation) if annotation is not None else "",
        default=_code(param.default) if param.default is not None else "",
        depends=_depends_target(param.default) or _depends_target(annotation),
        has_default=param.default is not None,
    )


def _route_kind(function: cst.FunctionDef, framework: str) -> str:
    for decorator in function.decorators:
        target = decorator.decorator
        if isinstance(target, cst.Call):
            target = target.func
        if isinstance(target, cst.Attribute) and target.attr.value in ROUTE_METHODS:
            return framework or "fastapi"
    return ""


def is_session_param(param: Param) -> bool:
    """Whether a parameter may be a database session (by its type or its dependency).

    A first sieve: the plan confirms the type (an alias is followed to what it names).
    """
    if param.annotation and SESSION_TYPE.search(param.annotation):
        return True
    return bool(param.depends and SESSION_DEPENDENCY.search(param.depends))


class _Functions:
    """Facts of the functions references sit in, built once per function."""

    def __init__(self, framework: str) -> None:
        self.framework = framework
        self.cache: dict[int, Function] = {}

    def of(self, node: cst.FunctionDef, qualname: str, positions: CodeRanges) -> Function:
        if id(node) not in self.cache:
            pos = positions[node.name]
            route = _route_kind(node, self.framework)
            self.cache[id(node)] = Function(
                qualname=qualname,
                line=pos.start.line,
                col=pos.start.column,
                route=route,
                params=_signature(node),
                # The plan reads them only in a FastAPI route (to add a session parameter), and
                # collecting them walks the whole body: skipped elsewhere.
                locals=frozenset(_bound_in(node)) if route == "fastapi" else frozenset(),
            )
        return self.cache[id(node)]


def _signature(function: cst.FunctionDef) -> tuple[Param, ...]:
    every = [
        *function.params.posonly_params,
        *function.params.params,
        *function.params.kwonly_params,
    ]
    return tuple(_param(p) for p in every)


def _bound_in(function: cst.FunctionDef) -> set[str]:
    from backfix.bindings import bound_names

    return set(bound_names(function.body)) | {
        p.name.value
        for p in [
            *function.params.posonly_params,
            *function.params.params,
            *function.params.kwonly_params,
        ]
    }


class _Module:
    """What one file imports and defines at module level (read without scopes or positions)."""

    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.origins: dict[str, Origin] = {}
        self.imports_flask = False
        framework = ""
        for stmt in self.module.body:
            for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
                framework = self._record_import(small) or framework
        self.framework = framework

    def _record_import(self, small: cst.BaseSmallStatement) -> str:
        framework = ""
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            module = dotted(small.module) if small.module is not None else ""
            framework = _framework_of(module)
            for alias in small.names:
                local = alias.evaluated_alias or alias.evaluated_name
                self.origins[local] = Origin(
                    "from", module, alias.evaluated_name, len(small.relative)
                )
        elif isinstance(small, cst.Import):
            for alias in small.names:
                name = alias.evaluated_name
                framework = _framework_of(name) or framework
                local = alias.evaluated_alias or name.split(".")[0]
                dotted_module = "" if alias.asname or name == local else name  # import a.b
                self.origins[local] = Origin(
                    "import", name if alias.asname else local, dotted_module
                )
        if framework == "flask":
            self.imports_flask = True
        return framework

    def routes(self) -> Iterator[cst.FunctionDef]:
        """The FastAPI routes of the file (any function with a route decorator), in source order."""
        return (node for node in _all_functions(self.module) if _route_kind(node, "fastapi"))

    def local_definitions(self) -> None:
        for stmt in self.module.body:
            if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                self.origins.setdefault(stmt.name.value, Origin("local"))
            elif isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    targets: list[cst.BaseExpression] = []
                    if isinstance(small, cst.Assign):
                        targets = [t.target for t in small.targets]
                    elif isinstance(small, cst.AnnAssign):
                        targets = [small.target]
                    for target in targets:
                        if isinstance(target, cst.Name):
                            self.origins.setdefault(target.value, Origin("local"))

    def aliases(self) -> tuple[tuple[str, str], ...]:
        """``Alias = Annotated[T, ...]`` at module level: (alias, code of T)."""
        found: list[tuple[str, str]] = []
        for stmt in self.module.body:
            for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
                target: cst.BaseExpression | None = None
                if isinstance(small, cst.Assign) and len(small.targets) == 1:
                    target = small.targets[0].target
                elif isinstance(small, cst.AnnAssign):
                    target = small.target
                value = getattr(small, "value", None)
                if (
                    isinstance(target, cst.Name)
                    and isinstance(value, cst.Subscript)
                    and last_name(value.value) == "Annotated"
                    and isinstance(value.slice[0].slice, cst.Index)
                ):
                    found.append((target.value, _code(value.slice[0].slice.value)))
        return tuple(found)

    def exported(self) -> tuple[str, ...]:
        for stmt in self.module.body:
            if not isinstance(stmt, cst.SimpleStatementLine):
                continue
            for small in stmt.body:
                if (
                    isinstance(small, cst.Assign)
                    and any(dotted(t.target) == "__all__" for t in small.targets)
                    and isinstance(small.value, (cst.List, cst.Tuple))
                ):
                    return tuple(
                        e.value.evaluated_value
                        for e in small.value.elements
                        if isinstance(e.value, cst.SimpleString)
                        and isinstance(e.value.evaluated_value, str)
                    )
        return ()


class _Analysis(_Module):
    """One file's analysis."""

    def __init__(self, module: cst.Module, scope: GlobalScope) -> None:
        super().__init__(module)
        # The engine's cheap equivalents of the metadata wrapper's parent, position and scope
        # providers: the wrapper's batched visits were most of this analysis.
        self.parents = Parents(module, tokens=False)
        self.positions = CodeRanges(module)
        self.scope = scope
        self.functions = _Functions(self.framework)

    def services(self) -> tuple[list[Service], list[Singleton]]:
        services: list[Service] = []
        singletons: list[Singleton] = []
        for stmt in self.module.body:
            if isinstance(stmt, cst.ClassDef):
                found = scan_service(stmt)
                if found is not None:
                    line = self.positions[stmt.name].start.line
                    services.append(Service(**{**found.__dict__, "line": line}))
        names = {s.name for s in services}
        for stmt in self.module.body:
            if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
                continue
            small = stmt.body[0]
            if (
                isinstance(small, cst.Assign)
                and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
                and isinstance(small.value, cst.Call)
                and isinstance(small.value.func, cst.Name)
                and small.value.func.value in names
            ):
                pos = self.positions[stmt].start
                singletons.append(
                    Singleton(
                        name=small.targets[0].target.value,
                        class_name=small.value.func.value,
                        line=pos.line,
                        col=pos.column,
                        has_args=bool(small.value.args),
                        snippet=" ".join(_code(small).split()),
                    )
                )
        return services, singletons

    def references(self, wanted: set[str]) -> list[Reference]:
        found: list[Reference] = []
        for assignment in self.scope.assignments:
            found.extend(self._reference(name) for name in reading_names(assignment, wanted))
        return sorted(found, key=lambda r: (r.line, r.col))

    def _enclosing(self, node: cst.CSTNode) -> Function | None:
        chain: list[cst.FunctionDef | cst.ClassDef] = []
        current = self.parents.get(node)
        innermost: cst.FunctionDef | None = None
        while current is not None:
            if isinstance(current, (cst.FunctionDef, cst.ClassDef)):
                chain.append(current)
                if innermost is None and isinstance(current, cst.FunctionDef):
                    innermost = current
            current = self.parents.get(current)
        if innermost is None:
            return None
        names = [c.name.value for c in reversed(chain[chain.index(innermost) :])]
        return self.functions.of(innermost, ".".join(names), self.positions)

    def _reference(self, node: cst.Name) -> Reference:
        pos = self.positions[node].start
        parent = self.parents.get(node)
        kind, attr = VALUE, ""
        if isinstance(parent, cst.Attribute) and parent.value is node:
            attr = dotted(parent).split(".", 1)[1] if dotted(parent) else parent.attr.value
            grand = self.parents.get(parent)
            if isinstance(grand, cst.Call) and grand.func is parent:
                kind = METHOD_CALL
            elif isinstance(grand, (cst.AssignTarget, cst.AugAssign, cst.Del)) or (
                isinstance(grand, cst.AnnAssign) and grand.target is parent
            ):
                kind = ATTR_ASSIGN
            else:
                outer: cst.CSTNode = parent
                while isinstance(self.parents.get(outer), cst.Attribute):
                    outer = self.parents[outer]
                attr = dotted(outer).split(".", 1)[1] if dotted(outer) else attr
        elif isinstance(parent, cst.Call) and parent.func is node:
            kind = CALL
        elif isinstance(parent, cst.Arg) and isinstance(self.parents.get(parent), cst.ClassDef):
            kind = BASE
        return Reference(node.value, kind, pos.line, pos.column, attr, self._enclosing(node))

    def session_params(self) -> list[tuple[Function, Param]]:
        found: list[tuple[Function, Param]] = []
        for node in self.routes():
            function = self.functions.of(node, node.name.value, self.positions)
            found.extend((function, p) for p in function.params if is_session_param(p))
        return found


def _framework_of(module: str) -> str:
    top = module.split(".")[0]
    if top in {"flask", "flask_sqlalchemy", "flask_restx", "flask_restful"}:
        return "flask"
    if top in {"fastapi", "starlette"}:
        return "fastapi"
    return ""


def _all_functions(module: cst.Module) -> list[cst.FunctionDef]:
    """Every function definition of a module, in source order (a walk of its statements only)."""
    found: list[cst.FunctionDef] = []
    stack: list[cst.CSTNode] = [module]
    while stack:
        node = stack.pop()
        if type(node) is cst.FunctionDef:
            found.append(node)
        below = [child for child in children(node) if type(child) in STATEMENT_HOLDERS]
        below.reverse()
        stack.extend(below)
    return found


def global_scope(module: cst.Module) -> GlobalScope:
    """The module's scope, with its assignments and their accesses (LibCST's scope analysis)."""
    # Only names' assignments and accesses are read, never a token's scope: tokens are not visited.
    return next(s for s in resolve_inner_scopes(module).values() if isinstance(s, GlobalScope))


def analyze_module(module: cst.Module) -> FileData:
    """Every fact inject-session's plan needs from one file."""
    scope = global_scope(module)
    # Its visitors only read: they need not rebuild every node.
    with read_only_visits():
        return _facts(_Analysis(module, scope))


def _facts(analysis: _Analysis) -> FileData:
    services, singletons = analysis.services()
    analysis.local_definitions()
    wanted = {s.name for s in singletons} | {s.name for s in services}
    wanted |= {
        local for local, origin in analysis.origins.items() if origin.kind in {"from", "import"}
    }
    references = analysis.references(wanted)
    used = {r.local for r in references}
    return FileData(
        module_names=frozenset(analysis.origins),
        services=tuple(services),
        singletons=tuple(singletons),
        origins=_kept_origins(analysis.origins, used),
        references=tuple(references),
        session_params=tuple(analysis.session_params()),
        imports_flask=analysis.imports_flask,
        aliases=analysis.aliases(),
        exported=analysis.exported(),
    )


def _kept_origins(origins: dict[str, Origin], used: set[str]) -> tuple[tuple[str, Origin], ...]:
    """The origins a file's facts keep: a plain ``import`` only when the file uses the name."""
    return tuple(
        (name, origin)
        for name, origin in origins.items()
        if origin.kind == "local" or name in used or origin.kind == "from"
    )


def _used_imports(module: cst.Module, origins: dict[str, Origin]) -> set[str]:
    """The names bound by plain imports that the file reads: the names of the references
    :func:`analyze_module` finds among them (accesses of a module-level binding of the name)."""
    imported = {name for name, origin in origins.items() if origin.kind == "import"}
    if not imported:
        return set()
    return {
        name.value
        for assignment in global_scope(module).assignments
        for name in reading_names(assignment, imported)
    }


def reading_names(assignment: BaseAssignment, wanted: Collection[str]) -> list[cst.Name]:
    """The names that read ``assignment`` if it binds one of ``wanted``.

    Its accesses by name; and for ``import a.b``, which binds ``a`` (LibCST's scope analysis
    gives it the name ``a.b`` and an access per ``a.b...`` read), the ``a`` of each such read.
    """
    if not isinstance(assignment, Assignment):
        return []
    if assignment.name in wanted:
        return [a.node for a in assignment.references if isinstance(a.node, cst.Name)]
    head = assignment.name.split(".")[0]
    if (
        not isinstance(assignment, ImportAssignment)
        or head == assignment.name
        or head not in wanted
    ):
        return []
    heads = (_head(access.node) for access in assignment.references)
    return [name for name in heads if name is not None]


def _head(node: cst.CSTNode) -> cst.Name | None:
    """``a`` of ``a.b.c``."""
    while isinstance(node, cst.Attribute):
        node = node.value
    return node if isinstance(node, cst.Name) else None


def _route_forms(found: _Module) -> tuple[tuple[Function, Param], ...]:
    """The session parameters of the file's routes, each with its route's kind and parameters."""
    forms: list[tuple[Function, Param]] = []
    for node in found.routes():
        route = _route_kind(node, found.framework)
        function = Function(
            qualname=node.name.value, line=0, col=0, route=route, params=_signature(node)
        )
        forms.extend((function, p) for p in function.params if is_session_param(p))
    return tuple(forms)


def analyze_forms(module: cst.Module) -> FileData:
    """The facts of a file the plan reads only for its routes' session parameters (the forms a
    route without one copies) and for the imports and aliases behind their names.

    Equal to :func:`analyze_module`'s facts in what the plan reads of such a file: the names the
    file binds and where each comes from, its ``Annotated`` aliases, ``__all__``, whether it
    imports Flask, and its routes' session parameters (the route's kind and parameters; no
    positions, qualified names or local names). It has no services, singletons or references: no
    scope analysis unless a plain ``import`` needs it, no positions.
    """
    found = _Module(module)
    found.local_definitions()
    return FileData(
        module_names=frozenset(found.origins),
        origins=_kept_origins(found.origins, _used_imports(module, found.origins)),
        session_params=_route_forms(found),
        imports_flask=found.imports_flask,
        aliases=found.aliases(),
        exported=found.exported(),
    )
