"""Class-based controllers: what their attributes are built from, and what of ``self`` reaches
work their methods hand off.

A controller (fastapi-utils' ``@cbv(router)``, a project's own ``@controller(router)``, or a class
whose methods carry route decorators) gets its dependencies as class attributes
(``session: Session = Depends(get_db)``), often declared in a base class, and builds objects from
them (a property returning ``Repos(self.session)``). Which attributes hold the request's session
is only known once the bases are followed, across files: here each class is described on its own
(:func:`class_info`), and each hand-off in a method records the attributes of ``self`` that reach
the work (:func:`reaches`); the plan puts the two together.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace

import libcst as cst

from backfix.cst_utils import dotted, last_name
from backfix.web_routes import ROUTE_DECORATORS

from .model import (
    AS_ITSELF,
    IN_LAMBDA,
    IN_OBJECT,
    WITHIN,
    ClassInfo,
    Derived,
    Reach,
    SessionParam,
)
from .quick import CONTROLLER_DECORATORS

PROPERTIES = frozenset({"property", "cached_property"})
UNBOUND = frozenset({"staticmethod", "classmethod"})

#: a node's code on one line
Text = Callable[[cst.BaseExpression], str]
#: builds a dependency parameter from a name, an annotation and a default (``session_param``)
Dependency = Callable[[str, cst.Annotation | None, cst.BaseExpression | None], SessionParam | None]


def _decorator_names(decorators: Sequence[cst.Decorator]) -> list[str]:
    return [last_name(d.decorator) for d in decorators]


def _is_route(function: cst.FunctionDef) -> bool:
    """``@<router>.post(...)``-like decorators: an attribute call named after an HTTP verb."""
    return any(
        isinstance(d.decorator, cst.Call)
        and isinstance(d.decorator.func, cst.Attribute)
        and d.decorator.func.attr.value in ROUTE_DECORATORS
        for d in function.decorators
    )


def _methods(node: cst.ClassDef) -> Iterator[cst.FunctionDef]:
    """The functions defined directly in the class body."""
    if isinstance(node.body, cst.IndentedBlock):
        yield from (s for s in node.body.body if isinstance(s, cst.FunctionDef))


def is_controller(node: cst.ClassDef) -> bool:
    """Decorated as a controller, or with a route among its methods."""
    names = {name.lower() for name in _decorator_names(node.decorators)}
    return bool(names & CONTROLLER_DECORATORS) or any(_is_route(m) for m in _methods(node))


def _self_name(function: cst.FunctionDef) -> str:
    """The name of a method's first parameter; "" for a static or class method."""
    if set(_decorator_names(function.decorators)) & UNBOUND:
        return ""
    params = [*function.params.posonly_params, *function.params.params]
    return params[0].name.value if params else ""


def self_attribute(node: cst.BaseExpression, me: str) -> tuple[str, bool] | None:
    """``(X, True)`` for ``self.X``, ``(X, False)`` for ``self.X.a.b`` (no call on the way)."""
    if not me or not isinstance(node, cst.Attribute):
        return None
    path = dotted(node).split(".")
    if len(path) < 2 or path[0] != me:
        return None
    return path[1], len(path) == 2


def _base(node: cst.BaseExpression) -> str:
    """A base class as spelled, without its subscript (``Base[T]`` → ``Base``)."""
    return dotted(node.value if isinstance(node, cst.Subscript) else node)


class _Body(cst.CSTVisitor):
    """One method's statements: ``self.X`` reads, ``self.X = value`` and ``return value``."""

    def __init__(self, me: str) -> None:
        self.me = me
        self.reads: list[str] = []
        self.assigned: list[tuple[str, cst.BaseExpression]] = []
        self.returned: list[cst.BaseExpression] = []

    def visit_Attribute(self, node: cst.Attribute) -> None:
        found = self_attribute(node, self.me)
        if found is not None and isinstance(node.value, cst.Name):
            self.reads.append(found[0])

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._assign(target.target, node.value)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._assign(node.target, node.value)

    def _assign(self, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        found = self_attribute(target, self.me)
        if found is not None and found[1]:
            self.assigned.append((found[0], value))

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.returned.append(node.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's `self` and returns are its own


def derivation(
    attr: str, value: cst.BaseExpression, me: str, method: str, text: Text
) -> Derived | None:
    """``attr`` as built from attributes of ``self``: ``self.X`` or ``self.X.a`` itself, a call
    handed them as plain arguments (``Repos(self.session)``, ``get_repos(self.session)``), or an
    attribute of such a call (``get_repos(self.session).recipes``); None for anything else (a
    method call's result, ``self.repos.groups.get_one(self.group_id)``, is a value it loaded)."""
    found = self_attribute(value, me)
    if found is not None:
        return Derived(attr, (found[0],), text(value), method)
    call = value
    while isinstance(call, cst.Attribute):
        call = call.value
    if not isinstance(call, cst.Call):
        return None
    sources = _argument_attributes(call, me)
    callee = dotted(call.func)
    if not sources or not callee:
        return None
    follow = "" if last_name(call.func)[:1].isupper() else callee
    return Derived(attr, sources, text(value), method, follow)


def _argument_attributes(call: cst.Call, me: str) -> tuple[str, ...]:
    """The attributes of ``self`` a call is handed as plain arguments (``self.X``, ``self.X.a``)."""
    found: list[str] = []
    for arg in call.args:
        attribute = self_attribute(arg.value, me) if not arg.star else None
        if attribute is not None:
            found.append(attribute[0])
    return tuple(dict.fromkeys(found))


def class_info(node: cst.ClassDef, line: int, text: Text, dependency: Dependency) -> ClassInfo:
    """What the plan needs of a top-level class (see the module docs)."""
    sessions = list(_declared(node, dependency))
    derived: list[Derived] = []
    methods: list[tuple[str, tuple[str, ...]]] = []
    for function in _methods(node):
        me = _self_name(function)
        if not me:
            continue
        body = _Body(me)
        function.body.visit(body)
        name = function.name.value
        is_property = bool(set(_decorator_names(function.decorators)) & PROPERTIES)
        values = [(attr, value) for attr, value in body.assigned]
        if is_property:
            values += [(name, value) for value in body.returned]
        else:
            methods.append((name, tuple(dict.fromkeys(body.reads))))
        for attr, value in values:
            found = derivation(attr, value, me, name, text)
            if found is not None:
                derived.append(found)
        if name == "__init__":
            sessions += _from_init(function, body, dependency)
    return ClassInfo(
        node.name.value,
        line,
        tuple(b for b in (_base(arg.value) for arg in node.bases) if b),
        is_controller(node),
        tuple(sessions),
        tuple(derived),
        tuple(methods),
    )


def _declared(node: cst.ClassDef, dependency: Dependency) -> Iterator[SessionParam]:
    """Class attributes declared as dependencies: ``session: Session = Depends(get_db)``,
    ``session = Depends(get_db)``, ``db: DbSession``."""
    if not isinstance(node.body, cst.IndentedBlock):
        return
    for statement in node.body.body:
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            found = None
            if isinstance(small, cst.AnnAssign) and isinstance(small.target, cst.Name):
                found = dependency(small.target.value, small.annotation, small.value)
            elif isinstance(small, cst.Assign) and len(small.targets) == 1:
                target = small.targets[0].target
                if isinstance(target, cst.Name):
                    found = dependency(target.value, None, small.value)
            if found is not None:
                yield found


def _from_init(
    function: cst.FunctionDef, body: _Body, dependency: Dependency
) -> Iterator[SessionParam]:
    """``self.db = db`` in ``__init__(self, db: Session = Depends(get_db))``: the attribute
    receives the dependency."""
    params: dict[str, SessionParam] = {}
    for param in [*function.params.params, *function.params.kwonly_params]:
        found = dependency(param.name.value, param.annotation, param.default)
        if found is not None:
            params[param.name.value] = found
    for attr, value in body.assigned:
        if isinstance(value, cst.Name) and value.value in params:
            yield replace(params[value.value], name=attr)


def reaches(
    values: Sequence[cst.BaseExpression],
    me: str,
    objects: Mapping[str, tuple[str, tuple[str, ...]]],
    text: Text,
) -> tuple[Reach, ...]:
    """The attributes of ``self`` that reach work handed off with ``values`` (the task first, then
    its arguments); ``objects``: the method's local names whose last assignment built an object
    from attributes of ``self`` → (the constructor call on one line, those attributes)."""
    found: list[Reach] = []
    for position, value in enumerate(values):
        found += _reach(value, me, objects, text, head=position == 0)
    return tuple(dict.fromkeys(found))


def _reach(
    value: cst.BaseExpression,
    me: str,
    objects: Mapping[str, tuple[str, tuple[str, ...]]],
    text: Text,
    *,
    head: bool,
) -> list[Reach]:
    attribute = self_attribute(value, me)
    if attribute is not None:
        return [Reach(attribute[0], AS_ITSELF if attribute[1] else WITHIN, head)]
    held = value.value if isinstance(value, cst.Attribute) else value
    if isinstance(held, cst.Name) and held.value in objects:
        built, attrs = objects[held.value]
        return [Reach(attr, IN_OBJECT, head, held.value, built) for attr in attrs]
    built_here = built_with_self(held, me, text)
    if built_here is not None:
        code, attrs = built_here
        return [Reach(attr, IN_OBJECT, head, code, code) for attr in attrs]
    if isinstance(value, cst.Lambda):
        reads = _Body(me)
        value.body.visit(reads)
        return [Reach(attr, IN_LAMBDA, head) for attr in dict.fromkeys(reads.reads)]
    if isinstance(value, cst.Call) and last_name(value.func) == "partial" and value.args:
        parts = [arg.value for arg in value.args if not arg.star]
        return [
            r
            for i, part in enumerate(parts)
            for r in _reach(part, me, objects, text, head=head and i == 0)
        ]
    return []


def built_with_self(
    node: cst.BaseExpression, me: str, text: Text
) -> tuple[str, tuple[str, ...]] | None:
    """For a constructor call handed attributes of ``self`` as plain arguments
    (``BulkService(self.service, self.repos)``): its code on one line and those attributes."""
    if not me or not isinstance(node, cst.Call) or not last_name(node.func)[:1].isupper():
        return None
    attrs = _argument_attributes(node, me)
    return (text(node), attrs) if attrs else None
