"""A cheap `ast` pre-check: can this module hand a session to work that runs later at all?

Most files the text prefilter lets through start threads, submit work or create asyncio tasks that
take no request session, and the LibCST analysis costs several times an `ast` parse. A hand-off
(``analyze.Analyzer``) needs a call of a hand-off kind (``add_task``, ``BackgroundTask``, a thread,
an asyncio task, an executor) whose arguments read a parameter of the enclosing top-level function
that may receive a session (annotated, or defaulting to a call such as ``Depends(get_db)``), or a
name the function assigns from a call handed such a parameter (``importer = Importer(db)``, then
``add_task(importer.run)``), or, in a method of a class-based controller, read its ``self``
(the session is an attribute of it) or such a name, or, for threads, tasks and executors, spell
``<name>.session``. This
check asks those questions on the `ast`
tree and errs towards yes (a call that is awaited, a parameter annotated ``int``, a name read
anywhere inside the arguments count), so a ``False`` here implies that the analysis finds no
hand-off in the file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from backfix.ast_utils import last_name
from backfix.web_routes import ROUTE_DECORATORS

#: calls that run their arguments after the request: reported when the session is among them
ASYNCIO_CALLS = frozenset({"create_task", "ensure_future", "run_coroutine_threadsafe"})
THREAD_CALLS = frozenset({"Thread", "Timer", "Process"})
EXECUTOR_CALLS = frozenset({"submit", "run_in_executor", "apply_async"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
#: class decorators that make a class a controller: fastapi-utils' ``cbv``, ``controller``
CONTROLLER_DECORATORS = frozenset({"cbv", "controller"})
#: callees whose work runs after the call returns (``analyze.Analyzer._kind``)
_LATER = frozenset({"add_task", "BackgroundTask", *THREAD_CALLS, *ASYNCIO_CALLS, *EXECUTOR_CALLS})
#: the kinds whose arguments are also searched for Flask-SQLAlchemy's ``db.session``
_FLASK_KINDS = frozenset({*THREAD_CALLS, *ASYNCIO_CALLS, *EXECUTOR_CALLS})


def may_hand_off(tree: ast.Module) -> bool:
    """False only when no call of ``tree`` can be a hand-off that ``analyze_module`` reports."""
    return any(_hands_off(call, sessions) for call, sessions in _scoped_calls(tree))


def _scoped_calls(tree: ast.Module) -> Iterator[tuple[ast.Call, frozenset[str]]]:
    """Every call, with the parameters of its top-level function that may receive a session.

    A top-level function is one the analysis visits outside any class or function (also inside a
    module-level ``if``/``try``); calls elsewhere belong to no function (no parameters).
    """
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, _FUNCTIONS):
                nodes = list(ast.walk(child))
                calls = [c for c in nodes if isinstance(c, ast.Call)]
                sessions = _session_candidates(child.args)
                if sessions and any(last_name(c.func) in _LATER for c in calls):
                    sessions = _with_carriers(nodes, sessions)
                yield from ((c, sessions) for c in calls)
            elif isinstance(child, ast.ClassDef):
                yield from _class_calls(child)
            else:
                if isinstance(child, ast.Call):
                    yield child, frozenset()
                stack.append(child)


def _is_controller(node: ast.ClassDef) -> bool:
    """``controllers.is_controller`` on the `ast` tree."""
    names = {last_name(d).lower() for d in node.decorator_list}
    return bool(names & CONTROLLER_DECORATORS) or any(
        isinstance(d, ast.Call)
        and isinstance(d.func, ast.Attribute)
        and d.func.attr in ROUTE_DECORATORS
        for method in node.body
        if isinstance(method, _FUNCTIONS)
        for d in method.decorator_list
    )


def _class_calls(node: ast.ClassDef) -> Iterator[tuple[ast.Call, frozenset[str]]]:
    """The calls of a class; in a controller, those of its methods with the method's ``self``
    (its session is an attribute of it) and the names assigned from calls reading it."""
    controller = _is_controller(node)
    for child in node.body:
        nodes = list(ast.walk(child))
        calls = [c for c in nodes if isinstance(c, ast.Call)]
        me: frozenset[str] = frozenset()
        params = (
            [*child.args.posonlyargs, *child.args.args] if isinstance(child, _FUNCTIONS) else []
        )
        if controller and params:
            me = _with_carriers(nodes, frozenset({params[0].arg}))
        yield from ((c, me) for c in calls)


def _session_candidates(args: ast.arguments) -> frozenset[str]:
    """Parameters ``analyze.session_param`` may accept: annotated, or defaulting to a call."""
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += args.defaults
    pairs = [*zip(positional, defaults, strict=True)]
    pairs += zip(args.kwonlyargs, args.kw_defaults, strict=True)
    return frozenset(
        param.arg
        for param, default in pairs
        if param.annotation is not None or isinstance(default, ast.Call)
    )


def _with_carriers(nodes: list[ast.AST], sessions: frozenset[str]) -> frozenset[str]:
    """``sessions`` and the names a function (whose nodes are ``nodes``) assigns anywhere from a
    call reading one of them (wider than ``analyze.Analyzer._bind_object``: any callee, any
    assignment)."""
    carriers = {
        target.id
        for node in nodes
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        and isinstance(node.value, ast.Call)
        and _reads(node.value, sessions)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }
    return sessions | carriers


def _hands_off(call: ast.Call, sessions: frozenset[str]) -> bool:
    """Whether the analysis may record a hand-off at ``call``."""
    last = last_name(call.func)
    if last not in _LATER:
        return False
    values = [*call.args, *(keyword.value for keyword in call.keywords)]
    if sessions and any(_reads(value, sessions) for value in values):
        return True
    return last in _FLASK_KINDS and any(_spells_session(value) for value in values)


def _reads(value: ast.expr, names: frozenset[str]) -> bool:
    """Does ``value`` spell one of ``names`` (as a name, or a lambda's parameter)?"""
    for node in ast.walk(value):
        if isinstance(node, ast.Name) and node.id in names:
            return True
        if isinstance(node, ast.arg) and node.arg in names:
            return True
    return False


def _spells_session(value: ast.expr) -> bool:
    """``<name>.session`` anywhere in ``value`` (``analyze._SessionAttributes``, wider)."""
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == "session"
        and isinstance(node.value, ast.Name)
        for node in ast.walk(value)
    )
