"""Region classification: what a statement contains, for the unit-of-work analysis.

A region says why statements must stay in the route (a ``return``, a framework call, building the
response...), whether they write, and which framework reads (``request``, ``g``, ``current_user``,
form fields) the route evaluates and passes to the service as plain values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import libcst as cst
from libcst.metadata import Assignment, BaseAssignment, ImportAssignment

from backfix.cst_utils import dotted, last_name

from . import reasons as R
from .definitions import Definitions
from .frameworks import (
    AUTH_READER_METHODS,
    DYNAMIC_BUILTINS,
    LOGGER_NAMES,
    PARSER_READER_METHODS,
    PRESENTATION_METHODS,
    READER_METHODS,
    SESSION_WRITES,
    FrameworkUse,
    ModuleIndex,
    is_guard_name,
)
from .layers import imported_module_path
from .module_nodes import NAME_TYPES, SCOPE_TYPES, exact_types
from .reasons import NO_REASON, Reason
from .routes import RouteLayer
from .syntax import (
    assigned_parts,
    code_of,
    index_in,
    is_conditional,
    is_store,
    only_literals,
)
from .types import TypeInference, import_need
from .units import Hoist, Region

#: module-level loggers, whose calls are not the route layer's helpers wherever they come from
_REFERENCES = exact_types(cst.Name, cst.Attribute)
_CALLS = exact_types(cst.Call)
_ASSIGNMENTS = exact_types(cst.Assign, cst.AugAssign, cst.AnnAssign, cst.Del)
_RAISES = exact_types(cst.Raise)
_RETURNS = exact_types(cst.Return)
_YIELDS = exact_types(cst.Yield)
_DECLARATIONS = exact_types(cst.Global, cst.Nonlocal)
_NESTED = Reason(R.NESTED_DEFINITION, "defines a nested function or class")


class RegionClassifier:
    """Classifies statements of one module; single statements are classified once."""

    def __init__(
        self,
        index: ModuleIndex,
        module: cst.Module,
        routes: RouteLayer,
        path: str = "",
        route_module: Callable[[str], bool] | None = None,
    ) -> None:
        self.index = index
        self.module = module
        self.routes = routes
        #: the module's repository path, and whether a repository path is in the route layer
        self.path = path
        self.route_module = route_module
        self._regions: dict[int, Region] = {}
        self._helpers: set[str] | None = None
        #: helper name → the framework call it answers the request with (``abort()``)
        self._answering: dict[str, str] | None = None
        #: per imported name and import statement: the route-layer module it comes from, or None
        self._import_layers: dict[tuple[str, int], str | None] = {}
        #: what the module's own definitions a service could take (built when first asked)
        self._definitions: Definitions | None = None

    def region(self, stmts: Sequence[cst.CSTNode]) -> Region:
        """Classify statements: why they must stay in the route, whether they write, what they read
        from the framework. Single statements are classified once (callers only read the result).

        Each statement is classified on its own, so the region of several is their regions
        joined: the first reason, any write or raise, the reads in order.
        """
        if len(stmts) == 1:
            return self._single(stmts[0])
        region = Region()
        for stmt in stmts:
            part = self._single(stmt)
            region.reason = region.reason or part.reason
            region.writes = region.writes or part.writes
            region.raises = region.raises or part.raises
            region.hoists.extend(part.hoists)
        return region

    def _single(self, stmt: cst.CSTNode) -> Region:
        key = id(stmt)
        region = self._regions.get(key)
        if region is None:
            region = self._regions[key] = self._classify(stmt)
        return region

    def _classify(self, stmt: cst.CSTNode) -> Region:
        region = Region()
        if type(stmt) in SCOPE_TYPES:
            # Its body runs when it is called, not here: its `return` is not the route's.
            region.reason = _NESTED
            return region
        for node in self.index.subtree(stmt, into_scopes=False):
            reason = self._node_reason(node, stmt, region)
            if reason and not region.reason:
                region.reason = reason
        return region

    def _node_reason(self, node: cst.CSTNode, stmt: cst.CSTNode, region: Region) -> Reason:
        # Dispatch on the exact type (see `exact_types`): a failing `isinstance` against LibCST's
        # node classes costs more than the rest of the classification.
        kind = type(node)
        if kind in _REFERENCES:
            if kind in NAME_TYPES and self._hoist_form_field(cast(cst.Name, node), stmt, region):
                return NO_REASON
            return self._framework_reason(cast("cst.Name | cst.Attribute", node), stmt, region)
        if kind in _CALLS:
            return self._call_reason(cast(cst.Call, node), stmt, region)
        if kind in _ASSIGNMENTS:
            assignment = cast("cst.Assign | cst.AugAssign | cst.AnnAssign | cst.Del", node)
            region.writes = region.writes or _writes_attribute(assignment)
            return NO_REASON
        if kind in _RAISES:
            region.raises = True
            exc = cast(cst.Raise, node).exc
            if exc is not None and self.index.is_http_exception(exc):
                return Reason(R.RAISES_HTTP_ERROR, "raises an HTTP error inside the unit of work")
            return NO_REASON
        if kind in _RETURNS:
            return Reason(R.RETURNS_EARLY, "returns early (`return`) inside the unit of work")
        if kind in _YIELDS:
            return Reason(R.USES_YIELD, "uses `yield`")
        if kind in _DECLARATIONS:
            return Reason(R.GLOBAL_NONLOCAL, "uses `global`/`nonlocal`")
        if kind in SCOPE_TYPES:
            return _NESTED
        return NO_REASON

    def _call_reason(self, node: cst.Call, stmt: cst.CSTNode, region: Region) -> Reason:
        func = node.func
        if isinstance(func, cst.Name) and self.index.is_builtin(func, DYNAMIC_BUILTINS):
            return Reason(R.DYNAMIC_BUILTIN, f"uses dynamic `{func.value}()`")
        if isinstance(func, cst.Attribute) and func.attr.value == "abort":
            return Reason(R.FRAMEWORK_CALL, f"calls the framework (`{code_of(func)}()`)")
        if is_guard_name(last_name(func)):
            return Reason(
                R.GUARD_CALL, f"calls `{code_of(func)}()`, a check that may stop the request"
            )
        reader = self.reader_call(node)
        if reader is not None:
            return self._hoist_call(node, reader, stmt, region)
        if self._is_presentation(node):
            return Reason(
                R.RESPONSE_IN_UNIT,
                f"builds the response (`{code_of(func)}()`) inside the unit of work",
            )
        if isinstance(func, cst.Attribute) and (
            (func.attr.value in SESSION_WRITES and self.index.is_session(func.value))
            or (func.attr.value in QUERY_WRITES and self._legacy_query(func.value))
        ):
            region.writes = True
            return NO_REASON
        layer_module = self._route_layer_module(func)
        if layer_module is not None and not (
            isinstance(func, cst.Attribute) and self.index.is_session(func.value)
        ):  # (`db.session.commit()`, where `db` comes from the route layer, is the session's)
            return self._route_layer_call(node, layer_module, stmt, region)
        if self._calls_answering_helper(func):
            assert isinstance(func, cst.Name)
            return Reason(
                R.ROUTE_LAYER_CALL,
                f"calls `{code_of(func)}()`, a helper of this route module that uses the "
                f"framework (`{self._answering_helpers()[func.value]}`): a service must not "
                "import the route layer",
            )
        if self._calls_unmovable_helper(func):
            return self._route_layer_call(node, self.path, stmt, region)
        return NO_REASON

    def _calls_unmovable_helper(self, func: cst.BaseExpression) -> bool:
        """A call of a function or class this module defines at its top level that cannot move
        into a service with the code (``get_user()``, decorated; a route function): it belongs
        to the route layer as an imported route-layer helper does, and a function handed to a
        service method as an argument is no service's API."""
        if not isinstance(func, cst.Name):
            return False
        referents = list(self.index.referents(func))
        if not referents or not all(
            isinstance(r, Assignment)
            and r.scope is self.index.module_scope
            and isinstance(r.node, (cst.FunctionDef, cst.ClassDef))
            for r in referents
        ):
            return False
        return self.definitions.movable(func.value) is None

    @property
    def definitions(self) -> Definitions:
        """The module's constants and helpers that could move into a service, built when first
        asked; the output phase moves them with the same answers."""
        if self._definitions is None:
            # (a definition's imports are all it asks the inference: no annotation style)
            inference = TypeInference(self.index, self.module, "")
            self._definitions = Definitions(
                self.index, self.module, inference, self.reads_route_layer
            )
        return self._definitions

    def _calls_answering_helper(self, func: cst.BaseExpression) -> bool:
        if not isinstance(func, cst.Name) or func.value not in self._answering_helpers():
            return False
        referents = self.index.referents(func)
        return bool(referents) and all(
            isinstance(getattr(r, "node", None), cst.FunctionDef) for r in referents
        )

    def _route_layer_module(self, func: cst.BaseExpression) -> str | None:
        """The route-layer module (repository path) ``func`` is imported from: ``require`` of
        ``from app.views.util import require``, ``util.require`` of ``from app.views import
        util``; None for anything else."""
        if self.route_module is None:
            return None
        root = func
        while isinstance(root, cst.Attribute):
            root = root.value
        if not isinstance(root, cst.Name) or (
            root is not func and root.value.strip("_").lower() in LOGGER_NAMES
        ):
            return None  # `logger.info(...)`: logging moves with the unit, as before
        referents = self.index.referents(root)
        if len(referents) != 1:
            return None
        (referent,) = referents
        if not isinstance(referent, ImportAssignment):
            return None
        return self.route_layer_import(root.value, referent.node)

    def reads_route_layer(self, name: str, referents: Sequence[object]) -> bool:
        """Whether one of ``referents`` (of a read of ``name``) imports it from the route layer."""
        return any(
            isinstance(r, ImportAssignment) and self.route_layer_import(name, r.node) is not None
            for r in referents
        )

    def route_layer_import(self, name: str, statement: cst.CSTNode) -> str | None:
        """The route-layer module (repository path) the import ``statement`` binds ``name``
        from; None when it imports from elsewhere."""
        if self.route_module is None:
            return None
        key = (name, id(statement))
        if key not in self._import_layers:
            need = import_need(name, statement)
            path = None if need is None else imported_module_path(self.path, need)
            in_layer = path is not None and self.route_module(path)
            self._import_layers[key] = path if in_layer else None
        return self._import_layers[key]

    def _route_layer_call(
        self, call: cst.Call, layer_module: str, stmt: cst.CSTNode, region: Region
    ) -> Reason:
        """A call of a helper the route layer defines: the route evaluates it and passes its
        value (``parse_request("JobCreate")``), or it stays in the route (a check such as
        ``require(...)``, computed arguments): a service that imported it would import the
        route layer."""
        if (
            isinstance(self.index.parent(call), (cst.Expr, cst.Await))
            or not only_literals(call.args)
            or is_conditional(self.index, call, stmt)
        ):
            return Reason(
                R.ROUTE_LAYER_CALL,
                f"calls `{code_of(call.func)}()`, which the route layer defines "
                f"({layer_module}): a service must not import the route layer",
            )
        region.hoists.append(Hoist(call.func, call, FrameworkUse("reader", last_name(call.func))))
        return NO_REASON

    def _legacy_query(self, node: cst.BaseExpression) -> bool:
        """Whether ``node`` is a legacy query: ``session.query(...)`` or ``Model.query``, followed
        by any of its methods (``.filter_by(...)``)."""
        while True:
            if isinstance(node, cst.Call):
                node = node.func
            elif isinstance(node, cst.Attribute):
                if node.attr.value == "query":
                    if isinstance(self.index.parent(node), cst.Call):
                        return self.index.is_session(node.value)
                    return last_name(node.value)[:1].isupper()  # `Job.query`
                node = node.value
            else:
                return False

    def _hoist_form_field(self, node: cst.Name, stmt: cst.CSTNode, region: Region) -> bool:
        """``form.title.data``: the route reads the submitted value and passes it."""
        field = self._form_field_read(node)
        if field is None:
            return False
        hoist = Hoist(node, field, FrameworkUse("form", node.value))
        hoist.conditional = is_conditional(self.index, field, stmt)
        region.hoists.append(hoist)
        return True

    def _framework_reason(
        self, node: cst.Name | cst.Attribute, stmt: cst.CSTNode, region: Region
    ) -> Reason:
        use = self.index.framework_use(node)
        if use is None:
            return NO_REASON
        parent = self.index.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return NO_REASON
        if use.kind == "reader":
            # Hoisted with its call (see `_reader_call`); anywhere else it is passed on.
            if isinstance(parent, cst.Call) and parent.func is node:
                return NO_REASON
            return Reason(
                R.REQUEST_VALUE_PASSED_ON, f"passes the request-dependent `{code_of(node)}` on"
            )
        return self._hoist(node, use, stmt, region)

    def reader_call(self, call: cst.Call) -> FrameworkUse | None:
        """A call whose value depends on the request: a framework reader (flask_babel's
        ``_``), an auth extension's ``auth.current_user()``, or a helper of this module that
        reads the request (``get_ip()``)."""
        func = call.func
        use = self.index.framework_use(func)
        if use is not None and use.kind == "reader":
            return use
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in AUTH_READER_METHODS
            and not call.args
            and self.index.framework_use(func.value) is None
        ):
            return FrameworkUse("reader", func.attr.value)
        if isinstance(func, cst.Attribute) and func.attr.value in PARSER_READER_METHODS:
            return FrameworkUse("reader", func.attr.value)
        if isinstance(func, cst.Name) and func.value in self._request_helpers():
            referents = self.index.referents(func)
            if referents and all(
                isinstance(getattr(r, "node", None), cst.FunctionDef) for r in referents
            ):
                return FrameworkUse("reader", func.value)
        return None

    def _request_helpers(self) -> set[str]:
        """Module-level functions (not routes) whose bodies read the request, ``g`` or the
        session: calling one is a framework read."""
        if self._helpers is None:
            self._read_helpers()
        assert self._helpers is not None
        return self._helpers

    def _answering_helpers(self) -> dict[str, str]:
        """Module-level functions (not routes) that read no request but answer it: they
        ``abort()``, raise an HTTP error, flash or render (``get_mapping()`` that raises
        ``NotFound``). They belong to the route layer, like the route-layer modules' helpers."""
        if self._answering is None:
            self._read_helpers()
        assert self._answering is not None
        return self._answering

    def _read_helpers(self) -> None:
        self._helpers, self._answering = set(), {}
        for stmt in self.module.body:
            if not isinstance(stmt, cst.FunctionDef) or self.routes.is_route_function(stmt):
                continue
            uses = [
                (use.kind, node)
                for node in self.index.subtree(stmt.body)
                if isinstance(node, (cst.Name, cst.Attribute))
                for use in [self.index.framework_use(node)]
                if use is not None
            ]
            kinds = {kind for kind, _ in uses}
            if kinds & {"value", "reader"}:
                self._helpers.add(stmt.name.value)
            elif kinds & {"callable", "http"}:
                first = next(node for kind, node in uses if kind in {"callable", "http"})
                self._answering[stmt.name.value] = f"{code_of(first)}()"

    def _is_presentation(self, call: cst.Call) -> bool:
        """``schema.dump(job)``, ``marshal(job, fields)``: building the response body."""
        func = call.func
        name = last_name(func)
        if name not in PRESENTATION_METHODS:
            return False
        if isinstance(func, cst.Attribute):
            receiver = last_name(func.value).lower()
            return "schema" in receiver or isinstance(func.value, cst.Call)
        return name.startswith("marshal")

    def _hoist_call(
        self, call: cst.Call, use: FrameworkUse, stmt: cst.CSTNode, region: Region
    ) -> Reason:
        if not only_literals(call.args):
            return Reason(
                R.REQUEST_CALL,
                f"calls the request-dependent `{code_of(call.func)}()` with computed arguments",
            )
        if is_conditional(self.index, call, stmt):
            return Reason(
                R.REQUEST_CALL,
                f"calls the request-dependent `{code_of(call.func)}()` only on some paths",
            )
        region.hoists.append(Hoist(call.func, call, use))
        return NO_REASON

    def _hoist(
        self, root: cst.CSTNode, use: FrameworkUse, stmt: cst.CSTNode, region: Region
    ) -> Reason:
        index = self.index
        if use.kind == "callable":
            return Reason(R.FRAMEWORK_CALL, f"calls the framework (`{use.name}()`)")
        if use.kind == "http":
            return Reason(R.FRAMEWORK_OBJECT, f"uses `{use.name}`")
        if use.kind == "effect":
            return Reason(
                R.FRAMEWORK_OBJECT, f"uses the framework object `{dotted(root) or use.name}`"
            )
        expr = self._read_extent(root, use)
        if isinstance(expr, str):
            return expr
        if isinstance(expr, cst.Attribute) and expr.value is not root and self._mutated(expr):
            # `self.account.notes.append(note)`: the service gets the account and adds to its
            # notes, instead of a list it is handed to change
            expr = expr.value
        if (
            expr is not root
            and is_current_user(use)
            and isinstance(expr, cst.BaseExpression)
            and self._may_fail_here(root, expr, use, stmt)
        ):
            # The user object itself cannot fail to be read: the service reads its attribute on
            # the paths the route did.
            expr = root
        if expr is root and not is_current_user(use):
            if use.kind == "self":
                return Reason(R.FRAMEWORK_OBJECT, f"uses `{use.name}` beyond reading attributes")
            return Reason(R.FRAMEWORK_OBJECT, f"passes the framework object `{code_of(root)}` on")
        assert isinstance(expr, cst.BaseExpression)
        hoist = Hoist(root, expr, use)
        if is_conditional(index, expr, stmt) and not self._plain_attribute(root, expr, use):
            # Evaluated by the route on every path: right only when it cannot fail there.
            hoist.conditional = True
            if self._may_fail_here(root, expr, use, stmt):
                return Reason(
                    R.CONDITIONAL_READ_MAY_FAIL,
                    f"reads `{code_of(expr)}` only on some paths, and reading it on every path "
                    "could fail where it did not: read it into a variable before the unit of work",
                )
        region.hoists.append(hoist)
        return NO_REASON

    def _plain_attribute(
        self, root: cst.CSTNode, expr: cst.BaseExpression, use: FrameworkUse
    ) -> bool:
        """Whether ``expr`` is ``self.x`` of an attribute the class assigns (``self.x = ...``, or
        ``x = ...`` in its body) and defines no method or property for: reading it runs no code.
        Another read of ``self`` (a property of a base class, such as a client built on each
        access) may fail or cost where the route did not make it."""
        if use.kind != "self" or not isinstance(expr, cst.Attribute) or expr.value is not root:
            return False
        owner = next((n for n in self.routes.enclosing(root) if isinstance(n, cst.ClassDef)), None)
        if owner is None:
            return False
        name = expr.attr.value
        assigned = False
        for node in self.index.subtree(owner):
            if isinstance(node, cst.FunctionDef) and node.name.value == name:
                return False
            if (
                isinstance(node, cst.Attribute)
                and node.attr.value == name
                and isinstance(node.value, cst.Name)
                and node.value.value in {"self", "cls"}
                and is_store(self.index, node)
            ):
                assigned = True
        return assigned or name in _class_level_names(owner)

    def _mutated(self, expr: cst.Attribute) -> bool:
        """Whether the moved code changes the collection ``expr`` reads in place
        (``expr.append(x)``)."""
        method = self.index.parent(expr)
        call = self.index.parent(method) if isinstance(method, cst.Attribute) else None
        return (
            isinstance(call, cst.Call)
            and isinstance(method, cst.Attribute)
            and call.func is method
            and method.attr.value in _MUTATORS
        )

    def _may_fail_here(
        self, root: cst.CSTNode, expr: cst.BaseExpression, use: FrameworkUse, stmt: cst.CSTNode
    ) -> bool:
        """Whether the read ``expr`` is made only on some paths through ``stmt`` and evaluating
        it on every path could fail where the route did not read it."""
        if not is_conditional(self.index, expr, stmt):
            return False
        key = self._failure_key(Hoist(root, expr, use))
        return key is not None and not self._read_before(key, stmt)

    def _read_extent(self, root: cst.CSTNode, use: FrameworkUse) -> cst.CSTNode | Reason:
        """The whole read that starts at the framework object ``root`` (``request.json.get("x")``
        for ``request``), or why it cannot be hoisted (it is written to)."""
        expr: cst.CSTNode = root
        while True:
            step = self._read_step(root, expr, use)
            if step is None:
                return expr
            if isinstance(step, Reason):
                return step
            expr = step

    def _read_step(
        self, root: cst.CSTNode, expr: cst.CSTNode, use: FrameworkUse
    ) -> cst.CSTNode | Reason | None:
        """The node that extends the read ``expr`` by one step (an attribute, a literal subscript,
        a reader method's call, an ``await``); None where the read ends; why it cannot be hoisted
        when it is written to."""
        parent = self.index.parent(expr)
        if isinstance(parent, cst.Attribute) and parent.value is expr:
            return self._attribute_step(root, expr, parent, use)
        if isinstance(parent, cst.Subscript) and parent.value is expr:
            if is_store(self.index, parent):
                if expr is root:
                    return Reason(R.FRAMEWORK_OBJECT_WRITTEN, f"writes to `{code_of(parent)}`")
                return None
            return parent if self._constant_key(parent.slice) else None
        if (
            isinstance(parent, cst.Call)
            and parent.func is expr
            and isinstance(expr, cst.Attribute)
            and expr.attr.value in READER_METHODS
            and self._early_args(parent.args)
        ):
            return parent
        if isinstance(parent, cst.Await) and parent.expression is expr:
            return parent
        return None

    def _constant_key(self, elements: Sequence[cst.SubscriptElement]) -> bool:
        """Whether a subscript's key can be evaluated in the route: literals, or a module's
        constant (``config[UPLOAD_DIR]``: an upper-case name bound only at module level, by an
        import or an assignment), which nothing in the unit of work can change."""
        if only_literals(elements):
            return True
        key = elements[0].slice if len(elements) == 1 else None
        name = key.value if isinstance(key, cst.Index) else None
        if not isinstance(name, cst.Name) or not name.value.isupper():
            return False
        referents = self.index.referents(name)
        module_scope = self.index.module_scope
        return bool(referents) and all(r.scope is module_scope for r in referents)

    def _attribute_step(
        self, root: cst.CSTNode, expr: cst.CSTNode, parent: cst.Attribute, use: FrameworkUse
    ) -> cst.CSTNode | Reason | None:
        grand = self.index.parent(parent)
        if isinstance(grand, cst.Call) and grand.func is parent:
            if parent.attr.value not in READER_METHODS:
                return None
            if not self._early_args(grand.args):
                return self._converter_reason(grand)
        if is_store(self.index, parent):
            # `current_user` is the user model behind a proxy: writing its attributes is
            # a model write, done in the service on the value the route passes.
            if expr is root and not is_current_user(use):
                return Reason(R.FRAMEWORK_OBJECT_WRITTEN, f"writes to `{code_of(parent)}`")
            return None
        return parent

    def _early_args(self, args: Sequence[cst.Arg]) -> bool:
        """Whether a reader method's arguments can be evaluated in the route: constants, and
        builtin conversions (werkzeug's ``request.form.get("id", type=int)``)."""
        return all(
            only_literals([arg])
            or (isinstance(arg.value, cst.Name) and self.index.is_builtin(arg.value, CONVERTERS))
            for arg in args
        )

    def _converter_reason(self, call: cst.Call) -> Reason | None:
        """Why ``request.form.get("x", type=parse)`` cannot move: the route would pass
        ``request.form`` itself for the service to read. None (the read ends before the call, as
        for ``data.get(key)``) for other computed arguments."""
        if not any(arg.keyword is not None and arg.keyword.value == "type" for arg in call.args):
            return None
        return Reason(
            R.REQUEST_CALL,
            f"reads `{code_of(call.func)}()` with the converter `type=` that is not a builtin: "
            "read it into a variable before the unit of work",
        )

    def _failure_key(self, hoist: Hoist) -> str | None:
        """``None`` when the read cannot fail; else what an earlier read must have read for
        this one to be sure to succeed (the JSON body for ``request.json.get("x")``)."""
        if not self.may_fail(hoist) or self._set_before_request(hoist):
            return None
        nodes = list(self.index.subtree(hoist.expr))
        if hoist.use.name == "request" and not any(isinstance(n, cst.Subscript) for n in nodes):
            return "request json body"
        return code_of(hoist.expr)

    def _set_before_request(self, hoist: Hoist) -> bool:
        """``g.tenant_id`` that a ``before_request`` hook of this module always sets."""
        expr = hoist.expr
        if (
            hoist.use.name != "g"
            or not isinstance(expr, cst.Attribute)
            or expr.value is not hoist.root
        ):
            return False
        for function in self.routes.functions:
            hooks = {last_name(d.decorator) for d in function.decorators}
            if not hooks & {"before_request", "before_app_request"}:
                continue
            if not isinstance(function.body, cst.IndentedBlock):
                continue
            for stmt in function.body.body:
                if not isinstance(stmt, cst.SimpleStatementLine):
                    continue
                for small in stmt.body:
                    targets = small.targets if isinstance(small, cst.Assign) else ()
                    for target in targets:
                        if code_of(target.target) == code_of(expr):
                            return True
        return False

    def _read_before(self, key: str, stmt: cst.CSTNode) -> bool:
        """Whether the route reads ``key`` on every path before ``stmt`` (so it succeeded)."""
        node: cst.CSTNode | None = stmt
        while node is not None and not isinstance(node, cst.FunctionDef):
            block = self.index.parent(node)
            if isinstance(block, cst.IndentedBlock):
                for earlier in block.body[: index_in(block, node)]:
                    for hoist in self.region([earlier]).hoists:
                        if not hoist.conditional and self._failure_key(hoist) == key:
                            return True
            node = block
        return False

    def _form_field_read(self, name: cst.Name) -> cst.Attribute | None:
        """``form.title.data`` (read, not written or called) where ``form`` is only ever bound
        to a WTForms-style form built in the route (``form = JobForm()``)."""
        field = self.index.parent(name)
        data = self.index.parent(field) if field is not None else None
        if not (
            isinstance(field, cst.Attribute)
            and field.value is name
            and isinstance(data, cst.Attribute)
            and data.value is field
            and data.attr.value == "data"
            and not is_store(self.index, data)
        ):
            return None
        outer = self.index.parent(data)
        if isinstance(outer, cst.Call) and outer.func is data:
            return None
        return data if self.is_form(name) else None

    def is_form(self, name: cst.Name) -> bool:
        """Whether ``name`` is only ever bound to a WTForms-style form built in the route
        (``form = JobForm()``)."""
        referents = self.index.referents(name)
        return bool(referents) and all(map(self._builds_form, referents))

    def binds_form(self, target: cst.Name) -> bool:
        """Whether ``target``, a name an assignment binds, is only ever bound to a form built in
        the route (:meth:`is_form` of its reads)."""
        scope = self.index.scopes.get(target)
        bindings = scope.assignments[target.value] if scope is not None else ()
        return bool(bindings) and all(map(self._builds_form, bindings))

    def _builds_form(self, binding: BaseAssignment) -> bool:
        """Whether ``binding`` is ``form = JobForm(...)``, or ``form = get_job_form(...)`` (a
        function named for the form it returns)."""
        if not isinstance(binding, Assignment) or isinstance(binding, ImportAssignment):
            return False
        target = self.index.parent(binding.node)
        assign = self.index.parent(target) if target is not None else None
        if not (
            isinstance(target, cst.AssignTarget)
            and isinstance(assign, cst.Assign)
            and isinstance(assign.value, cst.Call)
        ):
            return False
        called = last_name(assign.value.func)
        return (
            _is_form_class(called)
            or called.endswith("_form")
            or form_class_method(assign.value.func)
        )

    def may_fail(self, hoist: Hoist) -> bool:
        """Whether evaluating a hoisted read may raise (a missing key or attribute, a body that
        is not JSON); ``request.args.get("x")`` and ``g.get("x")`` cannot."""
        if hoist.use.kind == "form" or self.index.is_listed_session(hoist.expr):
            return False  # a declared field's value; the session the user named
        nodes = list(self.index.subtree(hoist.expr))
        if any(isinstance(n, cst.Subscript) for n in nodes):
            return True
        attrs = [n.attr.value for n in nodes if isinstance(n, cst.Attribute)]
        unwrapped = attrs == [UNWRAP_METHOD]  # `current_user._get_current_object()`: the user
        if is_current_user(hoist.use) and (
            not attrs or unwrapped or self._login_required(hoist.root)
        ):
            return False  # the proxy itself, or a user that `@login_required` ensures
        if hoist.use.name == "request":
            return "json" in attrs or "get_json" in attrs
        return not (attrs and attrs[-1] == "get")

    def _login_required(self, node: cst.CSTNode) -> bool:
        function = next(
            (f for f in self.routes.enclosing(node) if isinstance(f, cst.FunctionDef)), None
        )
        return function is not None and any(
            "login_required" in code_of(d.decorator) for d in function.decorators
        )


#: the method of Werkzeug's local proxies that returns the object behind them
UNWRAP_METHOD = "_get_current_object"
#: builtins a reader method may convert with (``type=int``): the route evaluates the read whole.
CONVERTERS = frozenset({"int", "float", "str", "bool"})
#: legacy ``Query`` methods that write (``session.query(Job).filter_by(...).delete()``)
QUERY_WRITES = frozenset({"delete", "update"})


def _writes_attribute(node: cst.Assign | cst.AugAssign | cst.AnnAssign | cst.Del) -> bool:
    """Whether an assignment or ``del`` stores into an attribute (``job.title = ...``)."""
    return any(isinstance(part, cst.Attribute) for part in assigned_parts(node))


def is_config_read(hoist: Hoist) -> bool:
    """``current_app.config["UPLOAD_DIR"]``: the application's configuration, the same for every
    request (a missing key fails whatever the request, before or after another call)."""
    return hoist.use.name == "current_app" and _first_attribute(hoist.expr, hoist.root) == "config"


def _first_attribute(node: cst.CSTNode, root: cst.CSTNode) -> str:
    """The attribute read right after ``root`` in the read ``node`` ("" if none)."""
    current: cst.CSTNode = node
    while True:
        if isinstance(current, cst.Attribute):
            if current.value is root:
                return current.attr.value
            current = current.value
        elif isinstance(current, cst.Subscript):
            current = current.value
        elif isinstance(current, cst.Call):
            current = current.func
        else:
            return ""


#: the methods that change a list, set or dict in place
_MUTATORS = frozenset(
    {"append", "extend", "insert", "remove", "discard", "add", "update", "pop", "clear"}
)


def is_current_user(use: FrameworkUse) -> bool:
    """Flask-Login's ``current_user`` proxy."""
    return use.kind == "value" and use.name == "current_user"


def _class_level_names(owner: cst.ClassDef) -> set[str]:
    """The names the body of class ``owner`` assigns (``model = Job``, ``per_page: int = 20``)."""
    names: set[str] = set()
    for stmt in owner.body.body if isinstance(owner.body, cst.IndentedBlock) else ():
        for small in stmt.body if isinstance(stmt, cst.SimpleStatementLine) else ():
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, cst.AnnAssign):
                targets = [small.target]
            names |= {t.value for t in targets if isinstance(t, cst.Name)}
    return names


def _is_form_class(name: str) -> bool:
    """Whether ``name`` names a WTForms-style form class (``JobForm``)."""
    return name.endswith("Form") and name[:1].isupper()


def form_class_method(func: cst.BaseExpression) -> bool:
    """Whether ``func`` is a method read off a form class (``forms.ExploreForm.build``, a
    classmethod that builds the form from the request): it builds a form and writes nothing."""
    return isinstance(func, cst.Attribute) and _is_form_class(last_name(func.value))
