"""The route layer of one module: route functions, view classes, and the scope of a node."""

from __future__ import annotations

import libcst as cst

from backfix.cst_utils import last_name
from backfix.web_routes import (
    GRAPHQL_MUTATION_BASES,
    GRAPHQL_RESOLVER_DECORATORS,
    ROUTE_DECORATORS,
    SOCKET_DECORATORS,
    is_socketio_name,
)

from .frameworks import ROUTE_BASES, ModuleIndex, attribute_root
from .module_nodes import ModuleNodes, exact_types

_ENCLOSING = exact_types(cst.FunctionDef, cst.ClassDef, cst.Lambda)

#: decorators of command-line commands (``@app.cli.command()``, ``@click.command()``, click and
#: Typer groups' ``@cli.command()``, Flask-Script's ``@manager.command`` and ``@manager.option``,
#: which alone makes a command): they are entry points, but serve no request
CLI_DECORATORS = frozenset({"command", "group", "option"})
#: decorators of background jobs (Flask-RQ2's ``@rq.job``, Celery's ``@celery.task`` and
#: ``@shared_task``, Dramatiq's ``@actor``, Huey's ``@huey.periodic_task``): a worker runs them
TASK_DECORATORS = frozenset({"job", "task", "shared_task", "actor", "periodic_task"})
#: names of a class-based view's request handlers
HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options"})
#: bases of mapped model classes (Flask-SQLAlchemy's ``db.Model``, a declarative ``Base``, SQLModel)
MODEL_BASES = frozenset({"Model", "Base", "DeclarativeBase", "SQLModel"})
#: standard-library modules whose classes run outside any request: a subclass of
#: ``logging.Handler`` or ``threading.Thread`` in a route module is no view
NO_REQUEST_MODULES = frozenset({"logging", "threading", "multiprocessing"})


class RouteLayer:
    """Which functions of one module serve requests."""

    def __init__(
        self, index: ModuleIndex, module: cst.Module, in_route_path: bool, nodes: ModuleNodes
    ) -> None:
        self.index = index
        self.module = module
        self.in_route_path = in_route_path
        self._has_routes: bool | None = None
        self._view_bases: set[str] | None = None
        self.functions: list[cst.FunctionDef] = nodes.functions
        self.view_funcs = self._view_function_names(nodes.calls)

    def _view_function_names(self, calls: list[cst.Call]) -> set[str]:
        names: set[str] = set()
        for node in calls:
            callee = last_name(node.func)
            if callee not in {"add_url_rule", "add_api_route", "add_resource"}:
                continue
            for index, arg in enumerate(node.args):
                keyword_name = arg.keyword.value if arg.keyword else None
                if keyword_name in {"view_func", "endpoint"} or (
                    keyword_name is None and index == (2 if callee == "add_url_rule" else 1)
                ):
                    value = arg.value
                    if isinstance(value, cst.Call):  # View.as_view("name")
                        value = value.func.value if isinstance(value.func, cst.Attribute) else value
                    names.add(last_name(value))
                if callee == "add_resource" and index == 0:
                    names.add(last_name(arg.value))
        return names

    def is_route_function(self, function: cst.FunctionDef) -> bool:
        for decorator in function.decorators:
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            if self._is_graphql_resolver_decorator(func):
                return True
            if isinstance(func, cst.Attribute) and func.attr.value in ROUTE_DECORATORS:
                return isinstance(expr, cst.Call)
            if (
                isinstance(func, cst.Attribute)
                and func.attr.value in SOCKET_DECORATORS
                and is_socketio_name(last_name(func.value))
            ):
                return True
        return function.name.value in self.view_funcs

    def _is_graphql_resolver_decorator(self, func: cst.BaseExpression) -> bool:
        """Strawberry's ``@strawberry.mutation``, ``@strawberry.field(...)``: a resolver."""
        if last_name(func) not in GRAPHQL_RESOLVER_DECORATORS:
            return False
        return any(
            q.split(".")[0] == "strawberry" and q.rpartition(".")[2] in GRAPHQL_RESOLVER_DECORATORS
            for q in self.index.qualified_names(func)
        )

    def _class_of(self, function: cst.FunctionDef) -> cst.ClassDef | None:
        """The class ``function`` is a method of (directly in its body), or None."""
        block = self.index.parent(function)
        owner = self.index.parent(block) if block is not None else None
        return owner if isinstance(owner, cst.ClassDef) else None

    def route_class(self, function: cst.FunctionDef) -> cst.ClassDef | None:
        owner = self._class_of(function)
        if owner is None:
            return None
        if owner.name.value in self.view_funcs:
            return owner
        for base in owner.bases:
            name = last_name(base.value)
            if name in {"MethodView", "Resource"}:
                return owner
            if name in ROUTE_BASES and any(
                q.split(".")[0] in {"flask", "flask_restx", "flask_restful", "flask_classful"}
                for q in self.index.qualified_names(base.value)
            ):
                return owner
            if name in GRAPHQL_MUTATION_BASES and any(
                q.split(".")[0] == "graphene" for q in self.index.qualified_names(base.value)
            ):
                return owner  # Graphene's mutation: its `mutate` answers requests
        for decorator in owner.decorators:
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            if isinstance(func, cst.Attribute) and func.attr.value == "route":
                return owner
        return None

    def view_class(self, function: cst.FunctionDef) -> cst.ClassDef | None:
        """The view class a route method belongs to: :meth:`route_class`, or the class of a
        method named after an HTTP method (``post``) whose base the module does not show
        (``class JobResource(BaseResource)``, with ``BaseResource`` the project's own)."""
        found = self.route_class(function)
        if found is not None or function.name.value not in HTTP_METHODS:
            return found
        return self._class_of(function)

    def enclosing(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        """Enclosing functions, lambdas and classes, innermost first."""
        found: list[cst.CSTNode] = []
        current = self.index.parent(node)
        while current is not None:
            if type(current) in _ENCLOSING:  # (exact types: see `exact_types`)
                found.append(current)
            current = self.index.parent(current)
        return found

    def _module_has_routes(self) -> bool:
        if self._has_routes is None:
            self._has_routes = any(
                self.is_route_function(f) or self.route_class(f) is not None for f in self.functions
            )
        return self._has_routes

    def _bases_of_views(self) -> set[str]:
        """The names of the classes the module's view classes derive from: a mixin
        (``class ItemResource(Resource, UploadMixin)``) whose methods serve their requests."""
        if self._view_bases is None:
            views = {id(c): c for f in self.functions if (c := self.route_class(f)) is not None}
            self._view_bases = {last_name(b.value) for c in views.values() for b in c.bases}
        return self._view_bases

    def serves_no_request(self, function: cst.FunctionDef) -> bool:
        """A command-line command, a background job, a method of a mapped model class, or one of
        a logging handler or thread (a base from :data:`NO_REQUEST_MODULES`): not route layer,
        even in a route module (an application package named ``api/`` holds its models and
        commands too; a views module may define the jobs its routes enqueue)."""
        for decorator in function.decorators:
            expr = decorator.decorator
            name = last_name(expr.func if isinstance(expr, cst.Call) else expr)
            if name in CLI_DECORATORS or name in TASK_DECORATORS:
                return True
        block = self.index.parent(function)
        owner = self.index.parent(block) if block is not None else None
        return isinstance(owner, cst.ClassDef) and any(
            last_name(base.value) in MODEL_BASES or _outside_requests(base.value)
            for base in owner.bases
        )

    def in_helper_module(self, function: cst.FunctionDef) -> bool:
        """Whether ``function`` is route layer only because its module sits in a route folder:
        the module defines no route or view, and ``function`` is none and is in none."""
        return (
            self.in_route_path
            and not self._module_has_routes()
            and self.route_class(function) is None
            and not any(
                isinstance(outer, cst.FunctionDef) and self.is_route_function(outer)
                for outer in [function, *self.enclosing(function)]
            )
        )

    def in_route_layer(self, function: cst.FunctionDef) -> bool:
        """Whether ``function`` serves requests: a route, a view method, or any other function of
        a route module (its helpers), except what :meth:`serves_no_request`."""
        if self.is_route_function(function):
            return True
        if self.serves_no_request(function):
            return False
        if self.in_route_path or self.route_class(function) is not None:
            return True
        if isinstance(self.index.parent(function), cst.Module) and self._module_has_routes():
            return True  # a helper of a route module
        owner = self._class_of(function)
        if owner is not None and owner.name.value in self._bases_of_views():
            return True  # a method of a mixin of the module's views, run by their requests
        return any(
            isinstance(outer, cst.FunctionDef) and self.is_route_function(outer)
            for outer in self.enclosing(function)
        )

    def scope_name(self, node: cst.CSTNode) -> str:
        """Qualified name of the functions/classes around ``node`` (``JobView.post``)."""
        names = [
            n.name.value
            for n in self.enclosing(node)
            if isinstance(n, (cst.FunctionDef, cst.ClassDef))
        ]
        return ".".join(reversed(names))


def _outside_requests(base: cst.BaseExpression) -> bool:
    """``logging.Handler``, ``logging.handlers.QueueHandler``, ``threading.Thread``: a class of
    a standard-library module whose code runs outside requests, named through its module."""
    if not isinstance(base, cst.Attribute):
        return False
    root = attribute_root(base)
    return isinstance(root, cst.Name) and root.value in NO_REQUEST_MODULES
