"""Per-file analysis: imports, functions, session dependencies, request functions, calls, hand-offs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import libcst as cst
from libcst.metadata import (
    ExpressionContext,
    ExpressionContextProvider,
    ParentNodeProvider,
    PositionProvider,
)

from backfix import cst_metadata
from backfix.cst_positions import positions
from backfix.cst_utils import dotted, last_name
from backfix.cst_walk import WalkVisitor

from .controllers import built_with_self, class_info, reaches
from .dependency import is_plain
from .model import (
    ADD_TASK,
    ASYNCIO,
    EXECUTOR,
    FLASK_THREAD,
    STARLETTE_TASK,
    THREAD,
    CallSite,
    ClassInfo,
    Factory,
    FileData,
    FunctionInfo,
    HandOff,
    ImportRef,
    MethodHandOff,
    Param,
    SessionParam,
)
from .names import ModuleNames, names_in
from .quick import ASYNCIO_CALLS, EXECUTOR_CALLS, THREAD_CALLS
from .settled import PARTIAL, commit_state, statements
from .shapes import Shape, shape_of

DEPENDS = frozenset({"Depends", "Security"})
#: session methods that make no change a task would have to see
DISCARDS = frozenset({"rollback", "close"})
#: what a route may do with a thread, task or future it keeps without waiting for it
NOT_WAITING = frozenset({"start", "daemon", "setDaemon", "name", "add_done_callback"})
#: ``HandOff.kept`` when the task, thread or future is used in an expression (returned, awaited)
KEPT_AS_VALUE = "<value>"


def _annotation_names(annotation: cst.Annotation | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names_in(annotation.annotation))) if annotation else ()


def _depends_target(node: cst.BaseExpression | None) -> str | None:
    """``get_db`` for ``Depends(get_db)``; None for anything else."""
    if isinstance(node, cst.Call) and last_name(node.func) in DEPENDS and node.args:
        return dotted(node.args[0].value) or None
    return None


def _annotated_dependency(node: cst.BaseExpression) -> str | None:
    """``get_db`` for ``Annotated[Session, Depends(get_db)]``."""
    if not (isinstance(node, cst.Subscript) and last_name(node.value) == "Annotated"):
        return None
    for element in node.slice:
        if isinstance(element.slice, cst.Index):
            target = _depends_target(element.slice.value)
            if target:
                return target
    return None


class _FunctionScope(cst.CSTVisitor):
    """Finds ``Depends(..., scope="function")``: the session closes when the route returns."""

    def __init__(self) -> None:
        self.found = False

    def visit_Call(self, node: cst.Call) -> None:
        if last_name(node.func) not in DEPENDS:
            return
        for arg in node.args:
            value = arg.value
            if arg.keyword is not None and arg.keyword.value == "scope":
                text = value.evaluated_value if isinstance(value, cst.SimpleString) else None
                self.found = self.found or text == "function"


def function_scoped(*nodes: cst.CSTNode | None) -> bool:
    """Does any of ``nodes`` spell ``Depends(..., scope="function")``?"""
    finder = _FunctionScope()
    for node in nodes:
        if node is not None:
            node.visit(finder)
    return finder.found


def session_param(param: cst.Param, module: cst.Module) -> SessionParam | None:
    """The parameter as a dependency parameter, or None when it receives no dependency."""
    return dependency_of(param.name.value, param.annotation, param.default, module)


def dependency_of(
    name: str,
    annotated: cst.Annotation | None,
    default: cst.BaseExpression | None,
    module: cst.Module,
) -> SessionParam | None:
    """A parameter, or a controller's class attribute, ``name: annotated = default`` as one that
    receives a dependency; None when it receives none."""
    annotation = annotated.annotation if annotated else None
    text = module.code_for_node(annotation) if annotation is not None else ""
    looks = "Session" in text
    dependency = _depends_target(default)
    if dependency is None and annotation is not None:
        dependency = _annotated_dependency(annotation)
    spelled = tuple(
        dict.fromkeys(name for part in (annotation, default) if part for name in names_in(part))
    )
    if dependency is not None:
        scoped = function_scoped(default, annotation)
        typed = annotation is not None and dependency == _depends_target(default)
        return SessionParam(name, dependency, "", looks, scoped, spelled, typed)
    if isinstance(annotation, (cst.Name, cst.Attribute)) and default is None:
        return SessionParam(name, "", dotted(annotation), looks, False, spelled)
    return None


def function_info(node: cst.FunctionDef, line: int) -> FunctionInfo:
    """Name, parameters and async-ness of a function definition."""
    params: list[Param] = []
    positional = [*node.params.posonly_params, *node.params.params]
    for index, param in enumerate(positional):
        params.append(
            Param(
                param.name.value,
                index,
                param.default is not None,
                _annotation_names(param.annotation),
            )
        )
    for param in node.params.kwonly_params:
        params.append(
            Param(
                param.name.value,
                None,
                param.default is not None,
                _annotation_names(param.annotation),
            )
        )
    variadic = isinstance(node.params.star_arg, cst.Param) or node.params.star_kwarg is not None
    return FunctionInfo(
        node.name.value, line, node.asynchronous is not None, tuple(params), variadic
    )


class _Yields(cst.CSTVisitor):
    """What a function yields or returns (plain names and calls)."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.calls: list[cst.Call] = []

    def _value(self, value: cst.BaseExpression | None) -> None:
        if isinstance(value, cst.Name):
            self.names.add(value.value)
        elif isinstance(value, cst.Call):
            self.calls.append(value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self._value(node.value)

    def visit_Return(self, node: cst.Return) -> None:
        self._value(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False


class _Openers(cst.CSTVisitor):
    """``with X() as name`` and ``name = X()`` inside a function: name → (call, async with)."""

    def __init__(self) -> None:
        self.opened: dict[str, tuple[cst.Call, bool]] = {}

    def visit_With(self, node: cst.With) -> None:
        for item in node.items:
            target = item.asname.name if item.asname else None
            if isinstance(item.item, cst.Call) and isinstance(target, cst.Name):
                self.opened[target.value] = (item.item, node.asynchronous is not None)

    def visit_Assign(self, node: cst.Assign) -> None:
        if len(node.targets) == 1 and isinstance(node.value, cst.Call):
            target = node.targets[0].target
            if isinstance(target, cst.Name):
                self.opened.setdefault(target.value, (node.value, False))

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False


def provider_factory(node: cst.FunctionDef, module: cst.Module) -> Factory | None:
    """How a dependency function opens the session it yields, when it yields (or returns) one."""
    yields = _Yields()
    openers = _Openers()
    node.body.visit(yields)
    node.body.visit(openers)
    return factory_of(node, yields, openers, module)


def factory_of(
    node: cst.FunctionDef, yields: _Yields, openers: _Openers, module: cst.Module
) -> Factory | None:
    """:func:`provider_factory` from what its walks of ``node``'s body collected."""
    found: tuple[cst.Call, bool] | None = None
    session = ""
    for name in sorted(yields.names):
        if name in openers.opened:
            found, session = openers.opened[name], name
            break
    if found is None and yields.calls:
        found = (yields.calls[0], False)
    if found is None:
        return None
    call, async_with = found
    code = module.code_for_node(call)
    is_async = async_with
    if not is_async and node.asynchronous is not None:
        text = module.code_for_node(node)
        is_async = "AsyncSession" in text or "await " in text
    plain = is_plain(node, session, code, module)
    return Factory(code, tuple(dict.fromkeys(names_in(call))), is_async, plain)


Range = tuple[int, int, int, int]


@dataclass
class _Body:
    """What :func:`provider_factory`'s walks collect, gathered during the analyzer's own walk of a
    top-level function: its body only, outside the functions nested in it."""

    node: cst.FunctionDef
    yields: _Yields = field(default_factory=_Yields)
    openers: _Openers = field(default_factory=_Openers)
    #: inside the body (not the decorators or parameters)
    inside: bool = False
    #: how many nested functions the walk is in
    nested: int = 0
    #: the names whose ``.commit()`` the body calls
    commits: set[str] = field(default_factory=set)

    def collecting(self) -> bool:
        """Whether the node being visited is one the separate walks would visit."""
        return self.inside and not self.nested


@dataclass(frozen=True)
class _Pending:
    """A hand-off waiting for the end of its function, where every read of the session is known."""

    hand_off: HandOff
    #: the hand-off call's range
    key: Range
    #: the outermost loop around it: (start line, end line)
    loop: tuple[int, int] | None
    #: the other branches of the ``if`` statements it is in: code there never runs after it
    exclusive: tuple[Range, ...]

    def read_after(self, line: int, col: int) -> bool:
        """Can the session read at ``line``:``col`` run after the hand-off?"""
        start, end = (self.hand_off.line, self.hand_off.col), (self.key[2], self.key[3])
        if start <= (line, col) <= end:
            return False
        if self.loop is not None and self.loop[0] <= line <= self.loop[1]:
            return True  # the next round of the loop
        if (line, col) < end:
            return False
        return not any((r[0], r[1]) <= (line, col) <= (r[2], r[3]) for r in self.exclusive)


@dataclass
class _Scope:
    """The top-level function being visited."""

    name: str
    sessions: dict[str, SessionParam]
    #: where each session name is read: (line, col)
    reads: list[tuple[str, int, int]] = field(default_factory=list)
    #: the reads that only roll the session back or close it (``db.rollback()``): the route makes
    #: no change there a task would have to see
    discards: set[tuple[str, int, int]] = field(default_factory=set)
    #: loops: (start line, end line)
    loops: list[tuple[int, int]] = field(default_factory=list)
    pending: list[_Pending] = field(default_factory=list)
    #: names holding a thread, task or future the route started → read other than to start it
    kept: dict[str, bool] = field(default_factory=dict)
    #: local names whose last assignment so far built an object with a session (``importer =
    #: Importer(db)``) → the constructor call on one line, and the sessions it received
    objects: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)


@dataclass
class _Method:
    """A method of a class-based controller being visited (functions nested in it included)."""

    cls: str
    name: str
    #: the name of its ``self`` parameter
    me: str
    #: local names whose last assignment so far built an object from attributes of ``self``
    #: (``worker = BulkService(self.repos)``) → the constructor call on one line, those attributes
    objects: dict[str, tuple[str, tuple[str, ...]]] = field(default_factory=dict)


class Analyzer(WalkVisitor):
    """Collects a file's :class:`FileData`."""

    METADATA_DEPENDENCIES = (PositionProvider, ParentNodeProvider, ExpressionContextProvider)

    def __init__(self, module: cst.Module) -> None:
        super().__init__()
        self.module = module
        #: imports and module-level names, collected as :func:`.names.module_names` collects them
        self.names = ModuleNames()
        self.imports: dict[str, ImportRef] = self.names.imports
        self.functions: dict[str, FunctionInfo] = {}
        self.providers: dict[str, Factory] = {}
        self.aliases: dict[str, str] = {}
        self.scoped_aliases: set[str] = set()
        self.session_reads: dict[tuple[str, str], int] = {}
        self.top_names: set[str] = self.names.top_names
        self.requests: dict[str, tuple[SessionParam, ...]] = {}
        self.hand_offs: list[HandOff] = []
        self.nested: set[tuple[str, str]] = set()
        self.calls: list[CallSite] = []
        self.values: list[tuple[str, int]] = []
        self.scope: _Scope | None = None
        self.depth = 0
        self.task_heads: set[int] = set()
        #: the coroutine calls handed to ``create_task(...)`` (not called in the route)
        self.handed: set[int] = set()
        self.loop_stack: list[tuple[int, int]] = []
        #: the top-level function being visited, for its factory
        self.body: _Body | None = None
        self.classes: dict[str, ClassInfo] = {}
        self.method_hand_offs: list[MethodHandOff] = []
        #: the controller class being visited, and its method
        self.controller = ""
        self.method: _Method | None = None

    def key(self, node: cst.CSTNode) -> tuple[int, int, int, int]:
        """The node's source range: start line, start column, end line, end column."""
        pos = self.get_metadata(PositionProvider, node)
        return (pos.start.line, pos.start.column, pos.end.line, pos.end.column)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The node's parent, None for the module."""
        return self.get_metadata(ParentNodeProvider, node, None)

    # -- module level ----------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> bool:
        self.names.add_import(node, top=self.depth == 0)
        return False  # imported names are bindings, not reads

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        self.names.add_import_from(node, top=self.depth == 0)
        return False

    def visit_Assign(self, node: cst.Assign) -> None:
        if self.body is not None and self.body.collecting():
            self.body.openers.visit_Assign(node)
        self.names.add_assign(node, top=self.depth == 0)
        if self.depth:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                dependency = _annotated_dependency(node.value)
                if dependency:
                    self.aliases[target.target.value] = dependency
                    if function_scoped(node.value):
                        self.scoped_aliases.add(target.target.value)

    def leave_Assign(self, original_node: cst.Assign) -> None:
        # after its targets were visited (a rebinding forgets the name): the name now holds this
        for target in original_node.targets:
            self._bind_object(target.target, original_node.value)
            self._bind_method_object(target.target, original_node.value)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        if original_node.value is not None:
            self._bind_object(original_node.target, original_node.value)
            self._bind_method_object(original_node.target, original_node.value)

    def _bind_method_object(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """``worker = BulkService(self.repos)`` in a controller's method."""
        if self.method is None or not isinstance(target, cst.Name):
            return
        built = built_with_self(value, self.method.me, self._text)
        if built is not None:
            self.method.objects[target.value] = built

    def _bind_object(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        """``name = Importer(db)`` in a route's own body: ``name`` holds an object built with the
        session."""
        if not isinstance(target, cst.Name) or self.scope is None:
            return
        if self.body is None or not self.body.collecting():
            return
        built = self._built_with(value)
        if built is not None:
            self.scope.objects[target.value] = built

    def _built_with(self, node: cst.BaseExpression) -> tuple[str, frozenset[str]] | None:
        """For a constructor call handed a session as a plain argument (``Importer(db)``,
        ``Importer(session=db)``: a callee whose name starts with a capital letter), its code on
        one line and the sessions it receives; None for anything else (``crud.get_user(db, 1)``)."""
        if self.scope is None or not isinstance(node, cst.Call):
            return None
        if not last_name(node.func)[:1].isupper():
            return None
        sessions = frozenset(
            arg.value.value
            for arg in node.args
            if not arg.star
            and isinstance(arg.value, cst.Name)
            and arg.value.value in self.scope.sessions
        )
        return (self._statement_text(node), sessions) if sessions else None

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.names.add_ann_assign(node, top=self.depth == 0)
        if self.depth == 0 and isinstance(node.target, cst.Name) and node.value is not None:
            dependency = _annotated_dependency(node.value)
            if dependency:
                self.aliases[node.target.value] = dependency
                if function_scoped(node.value):
                    self.scoped_aliases.add(node.target.value)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.names.add_definition(node, top=self.depth == 0)
        if self.depth == 0:
            info = class_info(node, self.key(node)[0], self._text, self._dependency)
            self.classes[info.name] = info
            self.controller = info.name if info.controller else ""
        self.depth += 1

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.depth -= 1
        if self.depth == 0:
            self.controller = ""

    def _text(self, node: cst.BaseExpression) -> str:
        """A node's code on one line."""
        return " ".join(positions(self.module).text(node).split())

    def _dependency(
        self, name: str, annotation: cst.Annotation | None, default: cst.BaseExpression | None
    ) -> SessionParam | None:
        return dependency_of(name, annotation, default, self.module)

    def _enter_method(self, node: cst.FunctionDef) -> None:
        """A method of the controller being visited: its hand-offs are recorded."""
        if self.depth != 1 or not self.controller:
            return
        params = [*node.params.posonly_params, *node.params.params]
        unbound = {last_name(d.decorator) for d in node.decorators} & {
            "staticmethod",
            "classmethod",
        }
        if params and not unbound:
            self.method = _Method(self.controller, node.name.value, params[0].name.value)

    # -- functions -------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.names.add_definition(node, top=self.depth == 0)
        if self.depth == 0:
            name = node.name.value
            self.functions[name] = function_info(node, self.key(node)[0])
            self.body = _Body(node)
            params = [*node.params.posonly_params, *node.params.params, *node.params.kwonly_params]
            found = [p for p in (session_param(param, self.module) for param in params) if p]
            if found:
                self.requests[name] = tuple(found)
            self.scope = _Scope(name, {p.name: p for p in found})
        elif self.body is not None:
            self.body.nested += 1
        if self.depth and self.scope is not None:
            self.nested.add((self.scope.name, node.name.value))
        self._enter_method(node)
        self.depth += 1

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1
        if self.depth == 1 and self.method is not None:
            self.method = None
        if self.depth == 0 and self.body is not None:
            self._factory(self.body)
            self._partly_committed(self.body)
            self.body = None
        elif self.body is not None:
            self.body.nested -= 1
        if self.depth == 0 and self.scope is not None:
            self._settle(self.scope)
            self.scope = None

    def _partly_committed(self, body: _Body) -> None:
        """Note the parameters the function commits without settling every path (``settled``)."""
        info = self.functions[body.node.name.value]
        body_statements = statements(body.node.body)
        partial = tuple(
            param.name
            for param in info.params
            if param.name in body.commits and commit_state(body_statements, param.name) == PARTIAL
        )
        if partial:
            self.functions[info.name] = replace(info, partly_committed=partial)

    def _factory(self, body: _Body) -> None:
        """The factory of a top-level function, from what the walk of its body collected."""
        factory = factory_of(body.node, body.yields, body.openers, self.module)
        if factory is not None:
            self.providers[body.node.name.value] = factory
        calls, names = body.yields.calls, body.yields.names
        if calls and not names and all(last_name(c.func)[:1].isupper() for c in calls):
            info = self.functions[body.node.name.value]
            self.functions[info.name] = replace(info, builds_object=True)

    # -- a top-level function's body, for its factory (see provider_factory) -----------------------
    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        if self.body is not None and node is self.body.node.body:
            self.body.inside = True

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        if self.body is not None and original_node is self.body.node.body:
            self.body.inside = False

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        if self.body is not None and node is self.body.node.body:
            self.body.inside = True

    def leave_SimpleStatementSuite(self, original_node: cst.SimpleStatementSuite) -> None:
        if self.body is not None and original_node is self.body.node.body:
            self.body.inside = False

    def visit_Yield(self, node: cst.Yield) -> None:
        if self.body is not None and self.body.collecting():
            self.body.yields.visit_Yield(node)

    def visit_Return(self, node: cst.Return) -> None:
        if self.body is not None and self.body.collecting():
            self.body.yields.visit_Return(node)

    def visit_With(self, node: cst.With) -> None:
        if self.body is not None and self.body.collecting():
            self.body.openers.visit_With(node)

    def _settle(self, scope: _Scope) -> None:
        """Now that every read of the session is known: is it read after each hand-off?"""
        for name, _, _ in scope.reads:
            key = (scope.name, name)
            self.session_reads[key] = self.session_reads.get(key, 0) + 1
        for pending in scope.pending:
            hand_off = pending.hand_off
            after = any(
                pending.read_after(line, col)
                for name, line, col in scope.reads
                if name == hand_off.session and (name, line, col) not in scope.discards
            )
            kept = hand_off.kept
            if kept and kept != KEPT_AS_VALUE and not scope.kept.get(kept):
                kept = ""  # only started (or called back) afterwards: nothing waits for it
            self.hand_offs.append(replace(hand_off, used_after=after, kept=kept))

    def visit_For(self, node: cst.For) -> None:
        key = self.key(node)
        self.loop_stack.append((key[0], key[2]))

    def leave_For(self, original_node: cst.For) -> None:
        self.loop_stack.pop()

    def visit_While(self, node: cst.While) -> None:
        key = self.key(node)
        self.loop_stack.append((key[0], key[2]))

    def leave_While(self, original_node: cst.While) -> None:
        self.loop_stack.pop()

    # -- names -----------------------------------------------------------------------------------
    def visit_Name(self, node: cst.Name) -> None:
        context = self.get_metadata(ExpressionContextProvider, node, None)
        if context is not ExpressionContext.LOAD:
            if self.scope is not None:
                self.scope.objects.pop(node.value, None)  # rebound (or deleted)
            if self.method is not None:
                self.method.objects.pop(node.value, None)
            return
        parent = self.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return
        if isinstance(parent, cst.Arg) and parent.keyword is node:
            return  # `db=` names a parameter; it reads nothing
        line, col = self.key(node)[:2]
        if self.scope is not None and node.value in self.scope.sessions:
            self.scope.reads.append((node.value, line, col))
            if self._discards(node):
                self.scope.discards.add((node.value, line, col))
        if self.scope is not None and node.value in self.scope.kept:
            waits = not (isinstance(parent, cst.Attribute) and parent.attr.value in NOT_WAITING)
            self.scope.kept[node.value] = self.scope.kept[node.value] or waits
        if isinstance(parent, cst.Call) and parent.func is node:
            return
        if id(node) in self.task_heads:
            return
        self.values.append((node.value, line))

    def _discards(self, node: cst.Name) -> bool:
        """Is ``node`` the session of a ``<node>.rollback()`` / ``.close()`` statement?"""
        attribute = self.parent(node)
        if not (isinstance(attribute, cst.Attribute) and attribute.attr.value in DISCARDS):
            return False
        call = self.parent(attribute)
        if not (isinstance(call, cst.Call) and call.func is attribute and not call.args):
            return False
        statement = self.parent(call)
        if isinstance(statement, cst.Await):
            statement = self.parent(statement)
        return isinstance(statement, cst.Expr)

    # -- calls -----------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        callee = dotted(node.func)
        if self.body is not None and self.body.collecting() and callee.endswith(".commit"):
            self.body.commits.add(callee[: -len(".commit")])
        if id(node) in self.handed:
            return  # the coroutine of a `create_task(...)`: recorded with the hand-off
        kind = self._kind(node, last_name(node.func))
        shape = shape_of(node, kind) if kind is not None else None
        site = self._task_site(shape) if shape is not None else None
        if site is not None:
            self.calls.append(site)
        elif callee and kind != ADD_TASK:
            self.calls.append(self._call_site(node, callee, node.args))
        carriers = self._carriers(node, shape) if kind is not None else {}
        if kind is not None and self.method is not None:
            self._method_hand_off(node, kind, shape)
        if kind == ADD_TASK:
            self._task_hand_off(node, site, carriers)
        elif kind is not None:
            self._other_hand_off(node, kind, site, carriers)

    def _method_hand_off(self, node: cst.Call, kind: str, shape: Shape | None) -> None:
        """Work handed off in a controller's method: the attributes of ``self`` that reach it."""
        method = self.method
        assert method is not None
        if shape is not None:
            values = [shape.head, *shape.positional, *(value for _, value in shape.keywords)]
        else:
            values = [arg.value for arg in node.args]
        found = reaches(values, method.me, method.objects, self._text)
        if found:
            line, col = self.key(node)[:2]
            text = self._statement_text(node)
            self.method_hand_offs.append(
                MethodHandOff(kind, line, col, method.cls, method.name, text, found)
            )

    def _carriers(self, node: cst.Call, shape: Shape | None) -> dict[str, tuple[str, str]]:
        """The sessions a hand-off passes inside objects built with them: session → (the object
        as spelled, the constructor call). The task or one of its arguments is such an object
        (``importer``, ``Importer(db)``) or an attribute of one (``importer.run``)."""
        if self.scope is None:
            return {}
        if shape is not None:
            values = [shape.head, *shape.positional, *(value for _, value in shape.keywords)]
        else:
            values = [arg.value for arg in node.args]
        found: dict[str, tuple[str, str]] = {}
        for value in values:
            held = value.value if isinstance(value, cst.Attribute) else value
            if isinstance(held, cst.Name) and held.value in self.scope.objects:
                built, sessions = self.scope.objects[held.value]
                carrier = held.value
            else:
                direct = self._built_with(held)
                if direct is None:
                    continue
                built, sessions = direct
                carrier = built
            for session in sorted(sessions):
                found.setdefault(session, (carrier, built))
        return found

    def _statement_text(self, node: cst.Call) -> str:
        """The call's code on one line (its text in the module has the same words as its code)."""
        return " ".join(positions(self.module).text(node).split())

    def _call_site(self, node: cst.Call, callee: str, args: Sequence[cst.Arg]) -> CallSite:
        """A direct call ``callee(...)``."""
        positional: list[str] = []
        keywords: list[tuple[str, str]] = []
        starred = False
        for arg in args:
            if arg.star:
                starred = True
            elif arg.keyword is not None:
                keywords.append((arg.keyword.value, dotted(arg.value)))
            else:
                positional.append(dotted(arg.value))
        line, col = self.key(node)[:2]
        scope = self.scope.name if self.scope else ""
        return CallSite(
            callee,
            line,
            col,
            scope,
            tuple(positional),
            tuple(keywords),
            starred,
            False,
            self._statement_text(node),
        )

    def _task_site(self, shape: Shape) -> CallSite | None:
        """The call of the task a hand-off runs later, or None when the task is no plain name."""
        callee = dotted(shape.head)
        if not callee:
            return None
        if isinstance(shape.head, cst.Name):
            self.task_heads.add(id(shape.head))
        self.handed.add(id(shape.call))
        line, col = self.key(shape.call)[:2]
        return CallSite(
            callee,
            line,
            col,
            self.scope.name if self.scope else "",
            tuple(dotted(value) for value in shape.positional),
            tuple((name, dotted(value)) for name, value in shape.keywords),
            shape.starred,
            True,
            self._statement_text(shape.call),
            offset=shape.offset,
            packed=shape.packed,
        )

    def _task_hand_off(
        self, node: cst.Call, site: CallSite | None, carriers: dict[str, tuple[str, str]]
    ) -> None:
        """``<tasks>.add_task(fn, ...)``: each session parameter passed as a plain argument, or
        inside an object built with it."""
        if self.scope is None:
            return
        passed = set() if site is None else {*site.positional, *(v for _, v in site.keywords)}
        # every candidate: the plan tells the dependency's sessions from other parameters
        for session in sorted((passed & set(self.scope.sessions)) | set(carriers)):
            self._pend(node, ADD_TASK, session, site, carrier=carriers.get(session))

    def _pend(
        self,
        node: cst.Call,
        kind: str,
        session: str,
        site: CallSite | None,
        kept: str = "",
        carrier: tuple[str, str] | None = None,
    ) -> None:
        assert self.scope is not None
        key = self.key(node)
        text = self._statement_text(node)
        hand_off = HandOff(kind, key[0], key[1], self.scope.name, session, site, False, text, kept)
        if carrier is not None:
            # never rewritten: dropping an argument would not take the session out of the object
            hand_off = replace(hand_off, call=None, carrier=carrier[0], built=carrier[1])
        # the outermost loop: each of its rounds may run any code in it after the hand-off
        loop = self.loop_stack[0] if self.loop_stack else None
        self.scope.pending.append(_Pending(hand_off, key, loop, self._other_branches(node, loop)))

    def _other_branches(self, node: cst.CSTNode, loop: tuple[int, int] | None) -> tuple[Range, ...]:
        """The ranges of the ``elif``/``else`` branches that exclude the one ``node`` is in, for
        the ``if`` statements around it outside every loop (inside one, the next round may take
        another branch)."""
        found: list[Range] = []
        child, parent = node, self.parent(node)
        while parent is not None and not isinstance(parent, cst.FunctionDef):
            if isinstance(parent, cst.If) and (loop is None or self.key(parent)[0] < loop[0]):
                if child is parent.body and parent.orelse is not None:
                    found.append(self.key(parent.orelse))
                elif child is parent.orelse:
                    found.append(self.key(parent.body))
            child, parent = parent, self.parent(parent)
        return tuple(found)

    def _other_hand_off(
        self,
        node: cst.Call,
        kind: str,
        site: CallSite | None,
        carriers: dict[str, tuple[str, str]],
    ) -> None:
        """Starlette tasks, asyncio tasks, threads, executors: any read of a session counts, and
        a session inside an object built with it."""
        read = [name for arg in node.args for name in names_in(arg.value)]
        if self.scope is not None:
            sessions = sorted(set(read) & set(self.scope.sessions))
            kept = self._kept(node) if sessions and kind != STARLETTE_TASK else ""
            for session in sessions:
                plain = site is not None and session in {
                    *site.positional,
                    *dict(site.keywords).values(),
                }
                self._pend(
                    node, kind, session, site if plain else None, kept, carriers.get(session)
                )
            for session in sorted(set(carriers) - set(sessions)):
                self._pend(node, kind, session, None, carrier=carriers[session])
            if sessions or carriers:
                return
        if kind in (THREAD, EXECUTOR, ASYNCIO) and self._flask_session(node):
            line, col = self.key(node)[:2]
            scope = self.scope.name if self.scope else ""
            text = self._statement_text(node)
            self.hand_offs.append(
                HandOff(FLASK_THREAD, line, col, scope, "db.session", None, False, text)
            )

    def _kept(self, node: cst.Call) -> str:
        """What the route keeps of the task, thread or future it starts: "" (nothing), its name
        (``t = Thread(...)``: settled once every later use of ``t`` is known), or ``"<value>"``."""
        parent = self.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr.value == "start":
            started = self.parent(parent)
            if isinstance(started, cst.Call) and started.func is parent:
                parent = self.parent(started)
        if isinstance(parent, cst.Expr):
            return ""
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            target = parent.targets[0].target
            if isinstance(target, cst.Name) and self.scope is not None:
                self.scope.kept.setdefault(target.value, False)
                return target.value
        return KEPT_AS_VALUE

    def _kind(self, node: cst.Call, last: str) -> str | None:
        if isinstance(node.func, cst.Attribute) and last == "add_task" and node.args:
            return ADD_TASK
        if last == "BackgroundTask":
            return STARLETTE_TASK
        if last in THREAD_CALLS:
            return THREAD
        # awaited right away, the work ends within the request
        if isinstance(self.parent(node), cst.Await):
            return None
        if last in ASYNCIO_CALLS:
            return ASYNCIO
        if isinstance(node.func, cst.Attribute) and last in EXECUTOR_CALLS:
            return EXECUTOR
        return None

    def _flask_session(self, node: cst.Call) -> bool:
        """Does a Flask-SQLAlchemy ``<db>.session`` cross into the thread or task? A controller's
        ``self.session`` is its attribute, read by :meth:`_method_hand_off`."""
        finder = _SessionAttributes(self.method.me if self.method is not None else "")
        for arg in node.args:
            arg.value.visit(finder)
        return finder.found

    def result(self) -> FileData:
        """The collected facts, calls and values narrowed to names that may be functions."""
        known = set(self.functions) | set(self.imports)
        calls = tuple(c for c in self.calls if c.callee.split(".")[0] in known)
        values = tuple(v for v in self.values if v[0] in known)
        return FileData(
            imports=self.imports,
            functions=self.functions,
            providers=self.providers,
            aliases=self.aliases,
            scoped_aliases=frozenset(self.scoped_aliases),
            session_reads=self.session_reads,
            top_names=frozenset(self.top_names),
            requests=self.requests,
            hand_offs=tuple(self.hand_offs),
            calls=calls,
            values=values,
            nested=frozenset(self.nested),
            stars=tuple(self.names.stars),
            classes=self.classes,
            method_hand_offs=tuple(self.method_hand_offs),
        )


class _SessionAttributes(cst.CSTVisitor):
    """Finds ``<name>.session`` read as a value (not ``db.session.get(...)`` called for a result)."""

    def __init__(self, me: str = "") -> None:
        self.found = False
        #: the ``self`` of the controller method being read, whose ``session`` is no Flask one
        self.me = me

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        value = node.value
        if node.attr.value == "session" and isinstance(value, cst.Name) and value.value != self.me:
            self.found = True
        return True

    def visit_Call(self, node: cst.Call) -> bool:
        # `db.session.get(Job, 1)` evaluates now; only the session object itself crosses over.
        for arg in node.args:
            arg.value.visit(self)
        return False


def analyze_module(module: cst.Module) -> FileData:
    """The :class:`FileData` of one parsed module."""
    analyzer = Analyzer(module)
    # The analyzer only reads, and never a token: the engine's cheap metadata and walk give it
    # what the wrapper would.
    cst_metadata.visit(module, analyzer, tokens=False)
    return analyzer.result()
