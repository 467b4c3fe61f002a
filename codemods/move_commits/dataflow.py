"""Data flow of a route function's local names: which may be read before they are assigned (liveness)
and which are certainly bound at a point (definite assignment).

Both analyses work on the structured statements LibCST gives us, so they need no control-flow graph:
``if`` joins its branches, loops run zero or more times (a fixed point), an exception may leave a
``try`` body at any statement, and ``return``/``raise``/``abort()`` end a path. Where Python allows
something the analysis does not model exactly (``match``, ``break``/``continue``, ``finally``), it
errs on the safe side: more names live, fewer names bound. That only ever turns a rewrite into a
manual-review case, never into a silent behaviour change.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import cast

import libcst as cst
from libcst.metadata import Assignment

from backfix.cst_utils import dotted

from .frameworks import ModuleIndex
from .module_nodes import NAME_TYPES, exact_types
from .syntax import target_parts

#: a set of names, or ``None`` where no path arrives (after ``return``/``raise``).
Bound = set[str] | None


_NAMED_EXPRESSIONS = exact_types(cst.NamedExpr)
#: small statements by exact type, as liveness asks of every statement of a route
_ENDS = exact_types(cst.Return, cst.Raise)
_ASSIGNS = exact_types(cst.Assign)
_ANNOTATED_ASSIGNS = exact_types(cst.AnnAssign)
_AUGMENTED_ASSIGNS = exact_types(cst.AugAssign)
_IMPORTS = exact_types(cst.Import, cst.ImportFrom)


def _meet(left: Bound, right: Bound) -> Bound:
    if left is None:
        return right
    if right is None:
        return left
    return left & right


def _names(target: cst.CSTNode) -> set[str]:
    return {p.value for p in target_parts(target) if isinstance(p, cst.Name)}


def _non_name_parts(target: cst.CSTNode) -> list[cst.CSTNode]:
    return [p for p in target_parts(target) if not isinstance(p, cst.Name)]


def _import_names(node: cst.Import | cst.ImportFrom) -> set[str]:
    if isinstance(node.names, cst.ImportStar):
        return set()
    return {alias.evaluated_alias or dotted(alias.name).split(".")[0] for alias in node.names}


def _with_names(node: cst.With) -> set[str]:
    names: set[str] = set()
    for item in node.items:
        if item.asname is not None:
            names |= _names(item.asname.name)
    return names


def _handler_name(handler: cst.ExceptHandler) -> set[str]:
    if handler.name is not None and isinstance(handler.name.name, cst.Name):
        return {handler.name.name.value}
    return set()


def _test_bound(test: cst.BaseExpression) -> set[str]:
    """The names an ``if`` test certainly binds before either branch runs: ``bot`` of ``if bot
    := ctx.get("bot"):``, ``not (x := f())``, ``(x := f()) is None``, ``(x := f()) and y``; not
    one a short circuit may skip (``y and (x := f())``)."""
    if isinstance(test, cst.NamedExpr):
        return _names(test.target) | _test_bound(test.value)
    if isinstance(test, cst.UnaryOperation):
        return _test_bound(test.expression)
    if isinstance(test, cst.BooleanOperation):
        return _test_bound(test.left)
    if isinstance(test, cst.Comparison):
        first = test.comparisons[0].comparator if test.comparisons else None
        return _test_bound(test.left) | (_test_bound(first) if first is not None else set())
    return set()


def _orelse_body(node: cst.If | cst.Else | None) -> Sequence[cst.BaseStatement] | None:
    if node is None:
        return None
    if isinstance(node, cst.If):
        return [node]
    return _body(node)


def _body(node: cst.CSTNode) -> Sequence[cst.BaseStatement]:
    body = getattr(node, "body", None)
    if isinstance(body, cst.IndentedBlock):
        return list(body.body)
    if isinstance(body, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=body.body)]
    return []


class DataFlow:
    """Liveness and definite assignment of the local names of ``function``.

    ``ignore`` holds ids of nodes whose reads do not count (framework reads the route evaluates and
    passes as values); ``raising`` holds ids of statements that end their path (the part of an
    ``except`` handler that stays in the route: in the service, a ``raise`` takes its place).
    """

    def __init__(
        self,
        index: ModuleIndex,
        function: cst.FunctionDef,
        ignore: Collection[int] = (),
        raising: Collection[int] = (),
    ) -> None:
        self.index = index
        self.function = function
        first = function.body.body[0] if isinstance(function.body, cst.IndentedBlock) else None
        self.scope = index.scope_of(first) if first is not None else None
        self.ignore = set(ignore)
        self.raising = set(raising)
        self.probes: dict[tuple[int, int], set[str]] = {}
        self._extra: list[set[str]] = []

    # --- reads ---------------------------------------------------------------------------------------

    def reads(self, node: cst.CSTNode) -> set[str]:
        """Local names of the function that evaluating ``node`` may read."""
        found: set[str] = set()
        for inner in self.index.subtree(node):
            if type(inner) not in NAME_TYPES or id(inner) in self.ignore:
                continue
            access = self.index.accesses.get(id(inner))
            if access is None:
                continue
            if any(isinstance(r, Assignment) and r.scope is self.scope for r in access.referents):
                found.add(cast(cst.Name, inner).value)
        return found

    def _reads_all(self, nodes: Sequence[cst.CSTNode | None]) -> set[str]:
        found: set[str] = set()
        for node in nodes:
            if node is not None:
                found |= self.reads(node)
        return found

    # --- liveness ------------------------------------------------------------------------------------

    def live_in(self, stmts: Sequence[cst.CSTNode], out: set[str]) -> set[str]:
        """Names that may be read before being assigned when ``stmts`` run and ``out`` is live
        after them. Records the live set after each statement of ``stmts`` in ``probes``."""
        live = set(out)
        parent = self.index.parent(stmts[0]) if stmts else None
        for position in range(len(stmts) - 1, -1, -1):
            stmt = stmts[position]
            if isinstance(parent, cst.IndentedBlock) and len(parent.body) == len(stmts):
                key = (id(parent), position)
                self.probes[key] = self.probes.get(key, set()) | live
            live = self._stmt(stmt, live)
            if self._extra:
                live |= self._extra[-1]
        return live

    def function_liveness(self) -> None:
        """Run liveness over the whole function body, filling ``probes``."""
        self.live_in(_body(self.function), set())

    def _stmt(self, stmt: cst.CSTNode, out: set[str]) -> set[str]:
        if id(stmt) in self.raising:
            return set()
        if isinstance(stmt, cst.SimpleStatementLine):
            live = set(out)
            for small in reversed(stmt.body):
                live = self._small(small, live)
            return live
        if isinstance(stmt, cst.If):
            orelse = _orelse_body(stmt.orelse)
            other = self.live_in(orelse, out) if orelse is not None else set(out)
            branches = (self.live_in(_body(stmt), out) | other) - _test_bound(stmt.test)
            return self.reads(stmt.test) | branches
        if isinstance(stmt, (cst.For, cst.While)):
            return self._loop(stmt, out)
        if isinstance(stmt, cst.Try):
            return self._try(stmt, out)
        if isinstance(stmt, cst.With):
            items = self._reads_all([item.item for item in stmt.items])
            return items | (self.live_in(_body(stmt), out) - _with_names(stmt))
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            return self._definition(stmt, out)
        # `match`, anything else: every name it reads, nothing killed.
        return set(out) | self.reads(stmt)

    def _definition(self, stmt: cst.FunctionDef | cst.ClassDef, out: set[str]) -> set[str]:
        """A nested ``def`` or ``class`` binds its name. Every name it reads counts as read where
        it stands, also the reads of a function's body (they run later, when it is called), except
        a function's reads of its own name, which it has bound by then."""
        name = stmt.name.value
        reads = self.reads(stmt)
        if isinstance(stmt, cst.FunctionDef):
            reads -= {name}
            reads |= self._reads_all([d.decorator for d in stmt.decorators])
            reads |= self._reads_all([stmt.params, stmt.returns])
        return (out - {name}) | reads

    def _small(self, small: cst.BaseSmallStatement, live: set[str]) -> set[str]:
        kind = type(small)  # (exact types: see `exact_types`)
        if kind in _ENDS:
            return self.reads(small)
        if kind in _ASSIGNS:
            assign = cast(cst.Assign, small)
            kills: set[str] = set()
            extra: set[str] = set()
            for target in assign.targets:
                kills |= _names(target.target)
                extra |= self._reads_all(_non_name_parts(target.target))
            return (live - kills) | extra | self.reads(assign.value)
        if kind in _ANNOTATED_ASSIGNS:
            annotated = cast(cst.AnnAssign, small)
            if annotated.value is None:
                return live
            kills = _names(annotated.target)
            return (live - kills) | self._reads_all(
                [*_non_name_parts(annotated.target), annotated.value]
            )
        if kind in _AUGMENTED_ASSIGNS:
            augmented = cast(cst.AugAssign, small)
            return (
                live
                | self.reads(augmented.target)
                | _names(augmented.target)
                | self.reads(augmented.value)
            )
        if kind in _IMPORTS:
            return live - _import_names(cast("cst.Import | cst.ImportFrom", small))
        return live | self.reads(small)

    def _loop(self, stmt: cst.For | cst.While, out: set[str]) -> set[str]:
        orelse = _body(stmt.orelse) if stmt.orelse is not None else None
        exit_live = self.live_in(orelse, out) if orelse is not None else set(out)
        if isinstance(stmt, cst.For):
            kills = _names(stmt.target)
            head_reads = self._reads_all(_non_name_parts(stmt.target))
        else:
            kills, head_reads = set(), self.reads(stmt.test)
        # `break` and `continue` are taken as falling through: the fixed point already includes
        # the loop exit and the loop head in what is live at the end of the body.
        head = exit_live | head_reads
        while True:
            body_live = self.live_in(_body(stmt), head | exit_live)
            new = exit_live | head_reads | (body_live - kills)
            if new == head:
                break
            head = new
        if isinstance(stmt, cst.For):
            return head | self.reads(stmt.iter)
        return head

    def _try(self, stmt: cst.Try, out: set[str]) -> set[str]:
        final = _body(stmt.finalbody) if stmt.finalbody is not None else None
        after = self.live_in(final, out) | out if final is not None else set(out)
        handlers: set[str] = set()
        for handler in stmt.handlers:
            handler_live = self.live_in(_body(handler), after) - _handler_name(handler)
            handlers |= handler_live | self._reads_all([handler.type])
        orelse = _body(stmt.orelse) if stmt.orelse is not None else None
        body_out = self.live_in(orelse, after) if orelse is not None else after
        # An exception may leave the body at any statement: the handlers' needs are live there.
        self._extra.append(handlers | (self._extra[-1] if self._extra else set()))
        try:
            body_live = self.live_in(_body(stmt), body_out)
        finally:
            self._extra.pop()
        return body_live | handlers

    # --- definite assignment -------------------------------------------------------------------------

    def bound_after(self, stmts: Sequence[cst.CSTNode], bound: Bound) -> Bound:
        """Names certainly bound when ``stmts`` complete normally (``None``: they never do)."""
        for stmt in stmts:
            if bound is None:
                return None
            bound = self._bound_stmt(stmt, bound)
        return bound

    def _bound_stmt(self, stmt: cst.CSTNode, bound: set[str]) -> Bound:
        if id(stmt) in self.raising:
            return None
        if isinstance(stmt, cst.SimpleStatementLine):
            result: Bound = set(bound)
            for small in stmt.body:
                if result is None:
                    return None
                result = self._bound_small(small, result)
            return result
        if isinstance(stmt, cst.If):
            bound = bound | _test_bound(stmt.test)
            orelse = _orelse_body(stmt.orelse)
            other = self.bound_after(orelse, bound) if orelse is not None else set(bound)
            return _meet(self.bound_after(_body(stmt), bound), other)
        if isinstance(stmt, cst.Try):
            return self._bound_try(stmt, bound)
        if isinstance(stmt, cst.With):
            return self.bound_after(_body(stmt), bound | _with_names(stmt))
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            return bound | {stmt.name.value}
        # Loops may run zero times; `match` and the rest bind nothing for certain.
        return set(bound)

    def _bound_small(self, small: cst.BaseSmallStatement, bound: set[str]) -> Bound:
        if isinstance(small, (cst.Return, cst.Raise, cst.Break, cst.Continue)):
            return None
        if isinstance(small, cst.Assign):
            for target in small.targets:
                bound = bound | _names(target.target)
        elif isinstance(small, cst.AugAssign) or (
            isinstance(small, cst.AnnAssign) and small.value is not None
        ):
            bound = bound | _names(small.target)
        elif isinstance(small, (cst.Import, cst.ImportFrom)):
            bound = bound | _import_names(small)
        elif isinstance(small, cst.Del):
            bound = bound - _names(small.target)
        elif isinstance(small, cst.Expr) and self._aborts(small.value):
            return None
        for node in self.index.subtree(small, into_scopes=False):
            if type(node) in _NAMED_EXPRESSIONS:  # (exact types: see `exact_types`)
                bound = bound | _names(cast(cst.NamedExpr, node).target)
        return bound

    def _aborts(self, value: cst.BaseExpression) -> bool:
        if not isinstance(value, cst.Call):
            return False
        use = self.index.framework_use(value.func)
        return use is not None and use.kind == "callable" and use.name == "abort"

    def _bound_try(self, stmt: cst.Try, bound: set[str]) -> Bound:
        body = self.bound_after(_body(stmt), bound)
        if stmt.orelse is not None:
            body = self.bound_after(_body(stmt.orelse), body)
        # A handler may start before any statement of the body ran.
        result = body
        for handler in stmt.handlers:
            result = _meet(result, self.bound_after(_body(handler), set(bound)))
        if stmt.finalbody is not None and result is not None:
            result = self.bound_after(_body(stmt.finalbody), result)
        return result

    def bound_at(self, block: cst.IndentedBlock, index: int) -> set[str]:
        """Names the function has certainly bound before ``block.body[index]`` runs."""
        owner = self.index.parent(block)
        if owner is self.function:
            before: Bound = self.parameters()
        else:
            before = self._entering(block, owner)
        after = self.bound_after(list(block.body[:index]), before)
        return after if after is not None else set()

    def _entering(self, block: cst.IndentedBlock, owner: cst.CSTNode | None) -> set[str]:
        """Names bound when control enters ``block``, owned by the compound ``owner``."""
        stmt: cst.CSTNode | None = owner
        while stmt is not None and not isinstance(self.index.parent(stmt), cst.IndentedBlock):
            stmt = self.index.parent(stmt)
        outer = self.index.parent(stmt) if stmt is not None else None
        if stmt is None or not isinstance(outer, cst.IndentedBlock):
            return set()
        position = next(i for i, s in enumerate(outer.body) if s is stmt)
        bound = self.bound_at(outer, position)
        if isinstance(owner, cst.For) and owner.body is block:
            return bound | _names(owner.target)
        if isinstance(owner, cst.ExceptHandler):
            return bound | _handler_name(owner)
        if isinstance(owner, cst.With):
            return bound | _with_names(owner)
        if isinstance(owner, cst.Else) and isinstance(stmt, cst.Try) and stmt.orelse is owner:
            return self.bound_after(_body(stmt), bound) or set()
        return bound

    def parameters(self) -> set[str]:
        """Names of the function's parameters."""
        params = self.function.params
        names = {p.name.value for p in [*params.posonly_params, *params.params]}
        names |= {p.name.value for p in params.kwonly_params}
        for star in (params.star_arg, params.star_kwarg):
            if isinstance(star, cst.Param):
                names.add(star.name.value)
        return names
