"""Find session commits in the route layer and carve out the unit of work each one ends.

For every commit the analysis picks the statement list ("container") the unit lives in and the range
of statements that move: it ends with the statement holding the commit (a whole loop when the commit
is inside one, a whole ``try`` when its handlers can be split into a rollback part that moves and a
response part that stays) and starts after the last statement that must stay in the route (returns,
aborts, framework calls) and after leading input parsing and guards. Data flow then decides the
parameters (free names, framework reads evaluated by the route) and the return values (names the
route reads afterwards). Anything that cannot move safely is reported with a reason.

The analysis is deterministic: the rewrite phase runs it again on the same bytes and finds the same
units (with live nodes) under the same ids.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

import libcst as cst
from libcst.metadata import Assignment, BuiltinAssignment, ImportAssignment

from .dataflow import DataFlow
from .frameworks import (
    AUTH_READER_METHODS,
    DYNAMIC_BUILTINS,
    PRESENTATION_METHODS,
    READER_CALLABLES,
    READER_METHODS,
    ROUTE_BASES,
    ROUTE_DECORATORS,
    SESSION_WRITES,
    FrameworkUse,
    ModuleIndex,
    dotted,
    is_guard_name,
    iter_nodes,
    last_name,
)
from .model import CommitSite, Extraction, ImportNeed, Param
from .naming import BUILTINS, suggest_name, unique
from .syntax import (
    code_of,
    index_in,
    is_bare_raise,
    is_conditional,
    is_docstring,
    is_store,
    only_literals,
    target_parts,
)

#: methods of plain values (strings, dicts, lists) that never touch the database.
_PLAIN_METHODS = frozenset(
    {
        "get",
        "strip",
        "lower",
        "upper",
        "split",
        "join",
        "format",
        "items",
        "keys",
        "values",
        "replace",
        "encode",
        "decode",
        "isoformat",
        "append",
        "startswith",
        "endswith",
    }
)


class Unmovable(Exception):
    """A unit of work that must stay in the route; the message is the reason."""


class ExitUnmovable(Unmovable):
    """Why a unit with an early exit inside cannot move, even with a returned status."""


# --- units ------------------------------------------------------------------------------------------------


@dataclass
class Hoist:
    """A framework read the route evaluates and passes as a plain value."""

    root: cst.CSTNode
    expr: cst.BaseExpression
    use: FrameworkUse
    param: str = ""
    conditional: bool = False


@dataclass
class SplitHandler:
    """An ``except`` clause of a moved ``try``: ``moved`` statements go to the service (then
    ``raise``), ``kept`` statements stay in the route's handler."""

    handler: cst.ExceptHandler
    moved: list[cst.BaseStatement]
    kept: list[cst.BaseStatement]


@dataclass
class Unit:
    """A unit of work in one statement list, with live nodes, for the rewrite."""

    unit_id: str
    function: cst.FunctionDef
    block: cst.IndentedBlock
    start: int
    end: int
    commits: list[cst.Call]
    extraction: Extraction | None = None
    reason: str = ""
    params: list[Param] = field(default_factory=list)
    returns: list[str] = field(default_factory=list)
    split: list[SplitHandler] | None = None
    try_node: cst.Try | None = None
    column: int = 0
    #: early exits inside the unit (``if response.errors: return ...``): the service returns
    #: whether it committed, and the route runs the exit's body when it did not.
    exits: list[cst.If] = field(default_factory=list)
    #: the route's name for that status when the call also returns values ("" otherwise).
    status: str = ""
    #: the branch of the exit that stays in the route.
    exit_block: cst.IndentedBlock | None = None
    #: ``if user.confirm(token): db.session.commit(); ...``: the ``if`` whose test writes; its
    #: test and body up to ``inner_end`` move, the route tests what the service returns.
    branch_test: cst.If | None = None
    inner_end: int = 0


@dataclass
class _Commit:
    call: cst.Call
    function: cst.FunctionDef | None
    reason: str = ""


#: the statements one commit's unit spans: start, end, the commit, whether a `try` was lifted.
_Range = tuple[int, int, cst.Call, bool]


@dataclass
class _Region:
    """What a statement (or the moved part of one) contains."""

    reason: str = ""
    writes: bool = False
    raises: bool = False
    hoists: list[Hoist] = field(default_factory=list)


class Analyzer:
    """Runs over one module; ``units`` and ``sites`` are the results."""

    def __init__(
        self,
        module: cst.Module,
        path: str,
        session_names: Collection[str],
        in_route_path: bool,
    ) -> None:
        self.index = ModuleIndex(module, session_names)
        self.module = module
        self.path = path
        self.in_route_path = in_route_path
        self.units: list[Unit] = []
        self.sites: list[CommitSite] = []
        self._regions: dict[int, _Region] = {}
        self._route_flows: dict[int, DataFlow] = {}
        self._owned: set[int] = set()
        self._helpers: set[str] | None = None
        self._exit_cache: dict[int, tuple[tuple[str, ...], cst.IndentedBlock] | None] = {}
        self._has_routes: bool | None = None
        self.functions: list[cst.FunctionDef] = [
            n for n in _preorder(module) if isinstance(n, cst.FunctionDef)
        ]
        self.view_funcs = self._view_function_names()
        self.uses_relative_imports = any(
            isinstance(n, cst.ImportFrom) and n.relative for n in _preorder(module)
        )

    # --- route layer -------------------------------------------------------------------------------------

    def _view_function_names(self) -> set[str]:
        names: set[str] = set()
        for node in _preorder(self.module):
            if not isinstance(node, cst.Call):
                continue
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

    def _is_route_function(self, function: cst.FunctionDef) -> bool:
        for decorator in function.decorators:
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            if isinstance(func, cst.Attribute) and func.attr.value in ROUTE_DECORATORS:
                return isinstance(expr, cst.Call)
        return function.name.value in self.view_funcs

    def _route_class(self, function: cst.FunctionDef) -> cst.ClassDef | None:
        block = self.index.parent(function)
        owner = self.index.parent(block) if block is not None else None
        if not isinstance(owner, cst.ClassDef):
            return None
        if owner.name.value in self.view_funcs:
            return owner
        for base in owner.bases:
            name = last_name(base.value)
            if name in {"MethodView", "Resource"}:
                return owner
            if name in ROUTE_BASES and any(
                q.split(".")[0] in {"flask", "flask_restx", "flask_restful"}
                for q in self.index.qualified_names(base.value)
            ):
                return owner
        for decorator in owner.decorators:
            expr = decorator.decorator
            func = expr.func if isinstance(expr, cst.Call) else expr
            if isinstance(func, cst.Attribute) and func.attr.value == "route":
                return owner
        return None

    def _enclosing(self, node: cst.CSTNode) -> list[cst.CSTNode]:
        """Enclosing functions, lambdas and classes, innermost first."""
        found: list[cst.CSTNode] = []
        current = self.index.parent(node)
        while current is not None:
            if isinstance(current, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                found.append(current)
            current = self.index.parent(current)
        return found

    def _module_has_routes(self) -> bool:
        if self._has_routes is None:
            self._has_routes = any(
                self._is_route_function(f) or self._route_class(f) is not None
                for f in self.functions
            )
        return self._has_routes

    def _in_route_layer(self, function: cst.FunctionDef) -> bool:
        if self.in_route_path or self._is_route_function(function):
            return True
        if self._route_class(function) is not None:
            return True
        if isinstance(self.index.parent(function), cst.Module) and self._module_has_routes():
            return True  # a helper of a route module
        return any(
            isinstance(outer, cst.FunctionDef) and self._is_route_function(outer)
            for outer in self._enclosing(function)
        )

    def scope_name(self, node: cst.CSTNode) -> str:
        """Qualified name of the functions/classes around ``node`` (``JobView.post``)."""
        names = [
            n.name.value
            for n in self._enclosing(node)
            if isinstance(n, (cst.FunctionDef, cst.ClassDef))
        ]
        return ".".join(reversed(names))

    # --- commits -----------------------------------------------------------------------------------------

    def _commits(self) -> list[_Commit]:
        found: list[_Commit] = []
        for node in _preorder(self.module):
            if not (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and node.func.attr.value == "commit"
                and not node.args
                and self.index.is_session(node.func.value)
            ):
                continue
            enclosing = self._enclosing(node)
            if not enclosing:
                if self.in_route_path:
                    found.append(_Commit(node, None, "commit at module level"))
                continue
            inner = enclosing[0]
            if isinstance(inner, cst.Lambda):
                found.append(_Commit(node, None, "commit inside a lambda"))
                continue
            if isinstance(inner, cst.ClassDef):
                if self.in_route_path:
                    found.append(_Commit(node, None, "commit in a class body"))
                continue
            assert isinstance(inner, cst.FunctionDef)
            if not self._in_route_layer(inner):
                continue
            nested = any(isinstance(n, cst.FunctionDef) for n in enclosing[1:])
            if nested and not self._is_route_function(inner):
                found.append(_Commit(node, inner, "commit inside a nested function"))
                continue
            found.append(_Commit(node, inner))
        return found

    def run(self) -> None:
        """Find every commit, build the units, record one site per commit."""
        by_function: dict[int, list[_Commit]] = {}
        order: list[cst.FunctionDef] = []
        for commit in self._commits():
            if commit.reason or commit.function is None:
                self._site(commit.call, None, commit.reason)
                continue
            key = id(commit.function)
            if key not in by_function:
                by_function[key] = []
                order.append(commit.function)
            by_function[key].append(commit)
        for function in order:
            self._function_units(function, [c.call for c in by_function[id(function)]])
        self.sites.sort(key=lambda s: (s.line, s.col))
        counts: dict[str, int] = {}
        numbered: list[CommitSite] = []
        for site in self.sites:
            counts[site.scope] = counts.get(site.scope, 0) + 1
            numbered.append(
                CommitSite(
                    site.line,
                    site.col,
                    site.scope,
                    f"{site.snippet}#{counts[site.scope]}",
                    site.code,
                    site.unit_id,
                    site.reason,
                )
            )
        self.sites = numbered

    def _site(self, call: cst.Call, unit_id: str | None, reason: str) -> None:
        line, col = self.index.line_col(call)
        code = code_of(call)
        self.sites.append(
            CommitSite(
                line, col, self.scope_name(call), " ".join(code.split()), code, unit_id, reason
            )
        )

    # --- per function ------------------------------------------------------------------------------------

    def _function_units(self, function: cst.FunctionDef, calls: list[cst.Call]) -> None:
        ordinal = next(i for i, f in enumerate(self.functions) if f is function)
        reason = self._function_reason(function)
        if reason:
            for call in calls:
                self._site(call, None, reason)
            return
        chosen = self._unit_ranges(function, calls)
        # Statements of every unit of this function: their writes are committed by that unit.
        self._owned = {
            id(stmt)
            for block, entries in chosen.values()
            for start, end, _call, _lifted in entries
            for stmt in block.body[start : end + 1]
        }
        count = 0
        units: list[Unit] = []
        for block, entries in chosen.values():
            previous_end = -1
            for start, end, unit_calls, lifted in _merged_ranges(entries):
                count += 1
                unit = Unit(f"{ordinal}.{count}", function, block, start, end, unit_calls)
                try:
                    self._evaluate(unit, previous_end, lifted)
                except Unmovable as exc:
                    unit.reason = self._with_exits(unit, start, previous_end, lifted, str(exc))
                    if unit.reason and not lifted:
                        unit.reason = self._with_condition(unit, unit.reason)
                previous_end = end
                units.append(unit)
        self._record_units(units)

    def _unit_ranges(
        self, function: cst.FunctionDef, calls: list[cst.Call]
    ) -> dict[int, tuple[cst.IndentedBlock, list[_Range]]]:
        """Per statement list, the statements each commit's unit spans (sites of the commits
        that cannot be placed are recorded)."""
        chosen: dict[int, tuple[cst.IndentedBlock, list[_Range]]] = {}
        for call in calls:
            placed = self._place(function, call)
            if isinstance(placed, str):
                self._site(call, None, placed)
                continue
            block, end, lifted_try = placed
            start = self._naive_start(block, end)
            try_node = block.body[end]
            if (
                lifted_try
                and isinstance(try_node, cst.Try)
                and self._route_keeps_handlers(try_node)
                and not self._pre_try_movable(block, start, end)
            ):
                start = end
            chosen.setdefault(id(block), (block, []))[1].append((start, end, call, lifted_try))
        return chosen

    def _record_units(self, units: list[Unit]) -> None:
        """Keep the units of one function and record a site per commit."""
        for unit in units:
            owner = self._absorbing_unit(unit, units)
            if owner is not None:
                # A unit inside the statements another unit moves goes along with it.
                for call in unit.commits:
                    self._site(call, owner.unit_id, "")
                continue
            self.units.append(unit)
            for call in unit.commits:
                self._site(call, unit.unit_id if unit.extraction else None, unit.reason)

    def _absorbing_unit(self, unit: Unit, units: list[Unit]) -> Unit | None:
        for other in units:
            if other is unit or other.extraction is None:
                continue
            moved = other.block.body[other.start : other.end + 1]
            if any(unit.block is node for stmt in moved for node in iter_nodes(stmt)):
                return other
        return None

    def _function_reason(self, function: cst.FunctionDef) -> str:
        if not isinstance(function.body, cst.IndentedBlock):
            return "one-line function body"
        for node in iter_nodes(function.body, into_scopes=False):
            if isinstance(node, (cst.Yield,)):
                return "the route is a generator (`yield`)"
        return ""

    def _place(
        self, function: cst.FunctionDef, call: cst.Call
    ) -> tuple[cst.IndentedBlock, int, bool] | str:
        """The statement list and index of the statement that ends the unit of ``call``."""
        candidates = self._candidates(function, call)
        if isinstance(candidates, str):
            return candidates
        return self._first_movable(candidates)

    def _candidates(
        self, function: cst.FunctionDef, call: cst.Call
    ) -> list[tuple[cst.IndentedBlock, int, bool]] | str:
        """Where the unit of ``call`` could end, innermost first: the statement holding it (its
        outermost loop), then each ``try`` around it up to an ``if``/``with`` or the function."""
        chain: list[cst.CSTNode] = []
        current: cst.CSTNode | None = call
        while current is not None and current is not function:
            chain.append(current)
            current = self.index.parent(current)
        # The statement directly in an indented block that holds the commit.
        stmt = next(
            n
            for n in chain
            if isinstance(n, cst.BaseStatement)
            and isinstance(self.index.parent(n), cst.IndentedBlock)
        )
        loops = [n for n in chain if isinstance(n, (cst.For, cst.While))]
        if loops:
            stmt = loops[-1]
        candidates: list[tuple[cst.IndentedBlock, int, bool]] = []
        node: cst.CSTNode = stmt
        lifted = False
        while True:
            block = self.index.parent(node)
            assert isinstance(block, cst.IndentedBlock)
            owner = self.index.parent(block)
            index = index_in(block, node)
            candidates.append((block, index, lifted))
            if owner is function:
                break
            if isinstance(owner, (cst.If, cst.With)) or (
                isinstance(owner, cst.Else) and isinstance(self.index.parent(owner), cst.If)
            ):
                break
            if isinstance(owner, cst.Try) and owner.body is block:
                node, lifted = owner, True
                continue
            if isinstance(owner, (cst.ExceptHandler, cst.Finally)):
                return "commit inside an exception handler or `finally`"
            if isinstance(owner, cst.Else):
                return "commit in the `else` of a `try` or loop"
            return f"commit inside `{type(owner).__name__}`"
        return candidates

    def _first_movable(
        self, candidates: list[tuple[cst.IndentedBlock, int, bool]]
    ) -> tuple[cst.IndentedBlock, int, bool] | str:
        """The outermost candidate whose statement may end a unit, or why none may."""
        reasons: list[str] = []
        lifted_reason = ""
        for block, index, was_lifted in reversed(candidates):
            stmt_node = block.body[index]
            if was_lifted:
                assert isinstance(stmt_node, cst.Try)
                reason = self._try_reason(stmt_node)
                start = self._naive_start(block, index)
                problem = self._pre_try_problem(block, start, index)
                if not reason and self._route_keeps_handlers(stmt_node) and problem:
                    # The route's `try` will wrap the whole service call: statements before the
                    # `try` stay in the route, so none of them may be a write of this unit.
                    for before in block.body[start:index]:
                        if self._region([before]).writes:
                            reason = (
                                "the writes before the `try` at line "
                                f"{self.index.line_col(stmt_node)[0]} would move under its "
                                f"handlers, and that is not safe here ({problem})"
                            )
                            break
                if reason:
                    lifted_reason = lifted_reason or reason
            else:
                reason = self._end_reason(stmt_node)
            if not reason:
                if lifted_reason and not any(
                    self._region([before]).writes for before in block.body[:index]
                ):
                    # Only the commit would move out of the `try`: the outer reason is the
                    # one that explains why its writes cannot move.
                    return lifted_reason
                return block, index, was_lifted
            reasons.append(reason)
        return reasons[-1]

    def _end_reason(self, stmt: cst.BaseStatement) -> str:
        region = self._region([stmt])
        if region.reason:
            if isinstance(stmt, (cst.For, cst.While)):
                return f"commit inside a loop whose body {region.reason}"
            return region.reason
        if isinstance(stmt, (cst.For, cst.While)) and any(
            isinstance(n, cst.Break) for n in iter_nodes(stmt, into_scopes=False)
        ):
            return "commit inside a loop with `break`"
        return ""

    def _try_reason(self, node: cst.Try) -> str:
        if node.orelse is not None or node.finalbody is not None:
            return "`try` with `else`/`finally` around the commit"
        region = self._region(list(node.body.body))
        if region.reason:
            return region.reason
        for handler in node.handlers:
            moved, _ = self._split_handler(handler)
            moved_region = self._region(moved)
            if moved_region.reason or moved_region.hoists:
                return "the rollback part of an `except` handler uses the framework"
        return ""

    def _pre_try_movable(self, block: cst.IndentedBlock, start: int, end: int) -> bool:
        """Whether the statements before a moved ``try`` may move with it."""
        return not self._pre_try_problem(block, start, end)

    def _pre_try_problem(self, block: cst.IndentedBlock, start: int, end: int) -> str:
        """Whether the statements before a moved ``try`` may move with it although the route's
        ``try`` then wraps them: its handlers catch only SQLAlchemy errors, and the statements
        call nothing that can raise one (only model constructors, ``session.add``/``delete``,
        builtins, framework reads and methods of plain values)."""
        try_node = block.body[end]
        assert isinstance(try_node, cst.Try)
        for handler in try_node.handlers:
            kinds = handler.type
            if kinds is None:
                return "a bare `except:`"
            elements = (
                [e.value for e in kinds.elements] if isinstance(kinds, cst.Tuple) else [kinds]
            )
            for kind in elements:
                names = self.index.qualified_names(kind)
                if not names or not all(q.startswith("sqlalchemy.") for q in names):
                    return f"`except {code_of(kind)}`, which catches more than database errors"
        for stmt in block.body[start:end]:
            region = self._region([stmt])
            if region.reason:
                return region.reason
            hoisted = {id(n) for h in region.hoists for n in iter_nodes(h.expr)}
            for node in iter_nodes(stmt, into_scopes=False):
                if (
                    isinstance(node, cst.Call)
                    and id(node) not in hoisted
                    and not self._cannot_raise_db_error(node)
                ):
                    return f"`{code_of(node.func)}()`, which may raise a database error"
        return ""

    def _cannot_raise_db_error(self, call: cst.Call) -> bool:
        func = call.func
        if isinstance(func, cst.Name):
            return func.value[:1].isupper() or self.index.is_builtin(func, BUILTINS)
        if not isinstance(func, cst.Attribute):
            return False
        if self.index.is_session(func.value):
            return func.attr.value in {"add", "add_all", "delete", "expunge"}
        return func.attr.value in _PLAIN_METHODS

    def _route_keeps_handlers(self, node: cst.Try) -> bool:
        """Whether some handler keeps statements in the route (beyond a bare ``raise``)."""
        for handler in node.handlers:
            _, kept = self._split_handler(handler)
            if kept and not is_bare_raise(kept):
                return True
        return False

    def _split_handler(
        self, handler: cst.ExceptHandler
    ) -> tuple[list[cst.BaseStatement], list[cst.BaseStatement]]:
        body = list(handler.body.body) if isinstance(handler.body, cst.IndentedBlock) else []
        moved: list[cst.BaseStatement] = []
        for stmt in body:
            if self._is_session_statement(stmt):
                moved.append(stmt)
            else:
                break
        return moved, body[len(moved) :]

    def _is_session_statement(self, stmt: cst.BaseStatement) -> bool:
        if not isinstance(stmt, cst.SimpleStatementLine):
            return False
        for small in stmt.body:
            value = small.value if isinstance(small, cst.Expr) else None
            if isinstance(value, cst.Await):
                value = value.expression
            if not (
                isinstance(value, cst.Call)
                and isinstance(value.func, cst.Attribute)
                and self.index.is_session(value.func.value)
            ):
                return False
        return True

    def _floor(self, block: cst.IndentedBlock) -> int:
        """The first statement of ``block`` that could move (after a function's docstring)."""
        return (
            1
            if is_docstring(block.body[0])
            and isinstance(self.index.parent(block), (cst.FunctionDef, cst.ClassDef))
            else 0
        )

    def _naive_start(self, block: cst.IndentedBlock, end: int) -> int:
        start = self._floor(block)
        for index in range(end):
            if self._region([block.body[index]]).reason:
                start = index + 1
        return start

    # --- regions -----------------------------------------------------------------------------------------

    def _region(self, stmts: Sequence[cst.CSTNode]) -> _Region:
        """Classify statements: why they must stay in the route, whether they write, what they read
        from the framework. Single statements are classified once (callers only read the result)."""
        key = id(stmts[0]) if len(stmts) == 1 else None
        if key is not None and key in self._regions:
            return self._regions[key]
        region = self._classify(stmts)
        if key is not None:
            self._regions[key] = region
        return region

    def _classify(self, stmts: Sequence[cst.CSTNode]) -> _Region:
        region = _Region()
        for stmt in stmts:
            for node in iter_nodes(stmt, into_scopes=False):
                reason = self._node_reason(node, stmt, region)
                if reason and not region.reason:
                    region.reason = reason
        return region

    def _node_reason(self, node: cst.CSTNode, stmt: cst.CSTNode, region: _Region) -> str:
        if isinstance(node, cst.Return):
            return "returns early (`return`) inside the unit of work"
        if isinstance(node, (cst.Yield,)):
            return "uses `yield`"
        if isinstance(node, (cst.Global, cst.Nonlocal)):
            return "uses `global`/`nonlocal`"
        if node is not stmt and isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            return "defines a nested function or class"
        if isinstance(node, cst.Raise):
            region.raises = True
            if node.exc is not None and self.index.is_http_exception(node.exc):
                return "raises an HTTP error inside the unit of work"
            return ""
        if isinstance(node, cst.Call):
            return self._call_reason(node, stmt, region)
        if isinstance(node, (cst.Assign, cst.AugAssign, cst.AnnAssign, cst.Del)):
            region.writes = region.writes or _writes_attribute(node)
            return ""
        if isinstance(node, cst.Name) and self._hoist_form_field(node, stmt, region):
            return ""
        if isinstance(node, (cst.Name, cst.Attribute)):
            return self._framework_reason(node, stmt, region)
        return ""

    def _call_reason(self, node: cst.Call, stmt: cst.CSTNode, region: _Region) -> str:
        func = node.func
        if isinstance(func, cst.Name) and self.index.is_builtin(func, DYNAMIC_BUILTINS):
            return f"uses dynamic `{func.value}()`"
        if isinstance(func, cst.Attribute) and func.attr.value == "abort":
            return f"calls the framework (`{code_of(func)}()`)"
        if is_guard_name(last_name(func)):
            return f"calls `{code_of(func)}()`, a check that may stop the request"
        reader = self._reader_call(node)
        if reader is not None:
            return self._hoist_call(node, reader, stmt, region)
        if self._is_presentation(node):
            return f"builds the response (`{code_of(func)}()`) inside the unit of work"
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value in SESSION_WRITES
            and self.index.is_session(func.value)
        ):
            region.writes = True
        return ""

    def _hoist_form_field(self, node: cst.Name, stmt: cst.CSTNode, region: _Region) -> bool:
        """``form.title.data``: the route reads the submitted value and passes it."""
        field = self._form_field_read(node)
        if field is None:
            return False
        hoist = Hoist(node, field, FrameworkUse("form", node.value))
        hoist.conditional = is_conditional(self.index, field, stmt)
        region.hoists.append(hoist)
        return True

    def _framework_reason(
        self, node: cst.Name | cst.Attribute, stmt: cst.CSTNode, region: _Region
    ) -> str:
        use = self.index.framework_use(node)
        if use is None:
            return ""
        parent = self.index.parent(node)
        if isinstance(parent, cst.Attribute) and parent.attr is node:
            return ""
        if use.kind == "reader":
            # Hoisted with its call (see `_reader_call`); anywhere else it is passed on.
            if isinstance(parent, cst.Call) and parent.func is node:
                return ""
            return f"passes the request-dependent `{code_of(node)}` on"
        return self._hoist(node, use, stmt, region)

    def _reader_call(self, call: cst.Call) -> FrameworkUse | None:
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
            self._helpers = set()
            for stmt in self.module.body:
                if not isinstance(stmt, cst.FunctionDef) or self._is_route_function(stmt):
                    continue
                for node in iter_nodes(stmt.body):
                    use = (
                        self.index.framework_use(node)
                        if isinstance(node, (cst.Name, cst.Attribute))
                        else None
                    )
                    if use is not None and use.kind in {"value", "reader"}:
                        self._helpers.add(stmt.name.value)
                        break
        return self._helpers

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
        self, call: cst.Call, use: FrameworkUse, stmt: cst.CSTNode, region: _Region
    ) -> str:
        if not only_literals(call.args):
            return f"calls the request-dependent `{code_of(call.func)}()` with computed arguments"
        if is_conditional(self.index, call, stmt):
            return f"calls the request-dependent `{code_of(call.func)}()` only on some paths"
        region.hoists.append(Hoist(call.func, call, use))
        return ""

    def _hoist(
        self, root: cst.CSTNode, use: FrameworkUse, stmt: cst.CSTNode, region: _Region
    ) -> str:
        index = self.index
        if use.kind == "callable":
            return f"calls the framework (`{use.name}()`)"
        if use.kind == "http":
            return f"uses `{use.name}`"
        if use.kind == "effect":
            return f"uses the framework object `{dotted(root) or use.name}`"
        expr = self._read_extent(root, use)
        if isinstance(expr, str):
            return expr
        if expr is root and not _is_current_user(use):
            if use.kind == "self":
                return f"uses `{use.name}` beyond reading attributes"
            return f"passes the framework object `{code_of(root)}` on"
        assert isinstance(expr, cst.BaseExpression)
        hoist = Hoist(root, expr, use)
        if use.kind != "self" and is_conditional(index, expr, stmt):
            # Evaluated by the route on every path: right only when it cannot fail there.
            hoist.conditional = True
            key = self._failure_key(hoist)
            if key is not None and not self._read_before(key, stmt):
                return (
                    f"reads `{code_of(expr)}` only on some paths, and reading it on every path "
                    "could fail where it did not: read it into a variable before the unit of work"
                )
        region.hoists.append(hoist)
        return ""

    def _read_extent(self, root: cst.CSTNode, use: FrameworkUse) -> cst.CSTNode | str:
        """The whole read that starts at the framework object ``root`` (``request.json.get("x")``
        for ``request``), or why it cannot be hoisted (it is written to)."""
        expr: cst.CSTNode = root
        while True:
            parent = self.index.parent(expr)
            if isinstance(parent, cst.Attribute) and parent.value is expr:
                grand = self.index.parent(parent)
                if (
                    isinstance(grand, cst.Call)
                    and grand.func is parent
                    and (parent.attr.value not in READER_METHODS or not only_literals(grand.args))
                ):
                    return expr
                if is_store(self.index, parent):
                    # `current_user` is the user model behind a proxy: writing its attributes is
                    # a model write, done in the service on the value the route passes.
                    if expr is root and not _is_current_user(use):
                        return f"writes to `{code_of(parent)}`"
                    return expr
                expr = parent
                continue
            if isinstance(parent, cst.Subscript) and parent.value is expr:
                if is_store(self.index, parent):
                    if expr is root:
                        return f"writes to `{code_of(parent)}`"
                    return expr
                if not only_literals(parent.slice):
                    return expr
                expr = parent
                continue
            if (
                isinstance(parent, cst.Call)
                and parent.func is expr
                and isinstance(expr, cst.Attribute)
                and expr.attr.value in READER_METHODS
                and only_literals(parent.args)
            ):
                expr = parent
                continue
            if isinstance(parent, cst.Await) and parent.expression is expr:
                expr = parent
                continue
            return expr

    def _failure_key(self, hoist: Hoist) -> str | None:
        """``None`` when the read cannot fail; else what an earlier read must have read for
        this one to be sure to succeed (the JSON body for ``request.json.get("x")``)."""
        if not self._may_fail(hoist) or self._set_before_request(hoist):
            return None
        nodes = list(iter_nodes(hoist.expr))
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
        for function in self.functions:
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
                    for hoist in self._region([earlier]).hoists:
                        if not hoist.conditional and self._failure_key(hoist) == key:
                            return True
            node = block
        return False

    # --- evaluation ---------------------------------------------------------------------------------------

    def _evaluate(
        self, unit: Unit, previous_end: int, lifted: bool, allow_exits: bool = False
    ) -> None:
        """Settle what of ``unit`` moves, its parameters, return values and service body; raises
        ``Unmovable`` with the reason when it must stay in the route."""
        stmts = self._unit_statements(unit, previous_end, lifted, allow_exits)
        moved_roots = self._moved_roots(unit, stmts)
        region = self._region(moved_roots)
        if region.reason:
            raise Unmovable(region.reason)
        self._check_declared(unit, moved_roots)
        moved_ids = {id(n) for root in moved_roots for n in iter_nodes(root)}
        self._check_moved_reads(stmts, moved_roots, moved_ids, region.hoists)
        hoisted_ids = {id(n) for h in region.hoists for n in iter_nodes(h.expr)}
        flow = self._unit_flow(unit, hoisted_ids)
        live = flow.live_in(stmts, self._live_after(unit))
        params, imports, route_names = self._free_names(
            unit, moved_roots, moved_ids, region.hoists, live
        )
        returns = self._returns(unit, moved_ids)
        self._check_definite(flow, stmts, returns, {p.name for p in params})
        if unit.exits:
            returns = self._exit_returns(unit, flow, stmts, returns, params, moved_ids)
            self._check_exit_reads(unit, stmts, region.hoists)
        self._check_handlers_end(unit, returns)
        preferred, dropped = self._foldable(stmts, region.hoists, live)
        unit.params = self._all_params(moved_roots, params, region.hoists, preferred)
        unit.returns = returns
        if unit.exits:
            unit.exit_block = self._exit_block(unit.exits[0])
        if unit.exits and returns:
            unit.status = unique("committed", self._function_names(function_node=unit.function))
        body_code = self._service_body(unit, stmts, region.hoists, dropped)
        unit.extraction = self._extraction(
            unit, body_code, imports, route_names, status=bool(unit.exits)
        )

    def _unit_statements(
        self, unit: Unit, previous_end: int, lifted: bool, allow_exits: bool
    ) -> list[cst.BaseStatement]:
        """Fix where ``unit`` starts (after input parsing and guards) and return the statements
        that move; raises ``Unmovable`` when what stays before them splits the unit of work."""
        body = unit.block.body
        start = unit.start
        end_stmt = body[unit.end]
        if (
            lifted
            and isinstance(end_stmt, cst.Try)
            and self._route_keeps_handlers(end_stmt)
            and not self._pre_try_movable(unit.block, start, unit.end)
        ):
            start = unit.end
        while start < unit.end and (
            self._is_preparation(body[start])
            or (allow_exits and self._is_exit(body[start]) and not self._exit_writes(body[start]))
        ):
            start += 1
        for index in range(previous_end + 1, start):
            write = self._uncommitted_write(body[index])
            if write is not None:
                self._raise_split_write(body, index, start, write)
            self._check_kept_effect(body[index])
        unit.start = start
        unit.column = self.index.line_col(body[start])[1]
        stmts = list(body[start : unit.end + 1])
        try_node = stmts[-1] if lifted else None
        if isinstance(try_node, cst.Try):
            unit.try_node = try_node
            unit.split = [SplitHandler(h, *self._split_handler(h)) for h in try_node.handlers]
        if len(stmts) == 1 and try_node is None and self._only_commit(stmts[0]):
            raise Unmovable(self._only_commit_reason(body, start))
        if allow_exits:
            unit.exits = [s for s in stmts[:-1] if isinstance(s, cst.If) and self._is_exit(s)]
            self._check_exits(unit, stmts)
        return stmts

    def _check_declared(self, unit: Unit, moved_roots: list[cst.CSTNode]) -> None:
        """The moved code must not use a name the route declares ``global``/``nonlocal``."""
        declared = {
            name.value
            for node in iter_nodes(unit.function.body, into_scopes=False)
            if isinstance(node, (cst.Global, cst.Nonlocal))
            for name in (item.name for item in node.names)
        }
        for root in moved_roots:
            for node in iter_nodes(root):
                if (
                    isinstance(node, cst.Name)
                    and node.value in declared
                    and not self._is_label(node)
                ):
                    raise Unmovable(f"uses `{node.value}`, declared `global`/`nonlocal`")

    def _check_moved_reads(
        self,
        stmts: Sequence[cst.CSTNode],
        roots: list[cst.CSTNode],
        moved_ids: set[int],
        hoists: list[Hoist],
    ) -> None:
        """The framework reads the route evaluates before the call must not depend on the moved
        code, be changed by it, or come after an effect they could fail after."""
        self._check_hoists(hoists, moved_ids)
        self._check_form_stores(hoists, roots)
        self._check_read_order(stmts, hoists)

    def _all_params(
        self,
        roots: list[cst.CSTNode],
        params: list[Param],
        hoists: list[Hoist],
        preferred: dict[int, str],
    ) -> list[Param]:
        """The free names and the named framework reads, the session last, as in hand-written
        services (``update_job(job, data, db)``)."""
        hoisted_ids = {id(n) for h in hoists for n in iter_nodes(h.expr)}
        used = {
            n.value
            for root in roots
            for n in iter_nodes(root)
            if isinstance(n, cst.Name) and not self._is_label(n) and id(n) not in hoisted_ids
        }
        used |= {p.name for p in params}
        hoisted_params = self._name_hoists(hoists, used, preferred)
        return sorted(
            params + hoisted_params,
            key=lambda p: (not p.positional, p.name in self.index.session_names),
        )

    def _extraction(
        self,
        unit: Unit,
        body_code: str,
        imports: list[ImportNeed],
        route_names: set[str],
        status: bool,
    ) -> Extraction:
        """The plan-phase facts of a movable unit."""
        function = unit.function
        class_node = self._route_class(function)
        return Extraction(
            unit_id=unit.unit_id,
            func_name=function.name.value,
            class_name=class_node.name.value if class_node is not None else None,
            is_async=function.asynchronous is not None,
            params=tuple(unit.params),
            returns=tuple(unit.returns),
            body_code=body_code,
            imports=tuple(imports),
            route_names=frozenset(route_names),
            status=status,
        )

    # --- early exits inside the unit -------------------------------------------------------------------

    def _with_exits(
        self, unit: Unit, naive_start: int, previous_end: int, lifted: bool, reason: str
    ) -> str:
        """Evaluate ``unit`` again with the early exits between its writes and its commit inside
        it (the service then returns whether it committed); ``reason`` when that fails too."""
        start = self._exit_start(unit.block, naive_start, previous_end)
        if start is None or lifted:
            return reason
        unit.start, unit.try_node, unit.split = start, None, None
        try:
            self._evaluate(unit, previous_end, lifted, allow_exits=True)
        except Unmovable as exc:
            unit.exits, unit.status, unit.start = [], "", naive_start
            return str(exc) if isinstance(exc, ExitUnmovable) else reason
        return ""

    # --- a commit whose writes are the `if` test around it ---------------------------------------------

    def _with_condition(self, unit: Unit, reason: str) -> str:
        """``if user.confirm(token): db.session.commit(); flash(...)``: the test makes the writes
        the commit commits. The test and the body up to the commit move; the service returns
        whether the test held, and the route tests that."""
        block, end = unit.block, unit.end
        owner = self.index.parent(block)
        outer = self.index.parent(owner) if owner is not None else None
        if not (
            isinstance(owner, cst.If)
            and owner.body is block
            and isinstance(outer, cst.IndentedBlock)
            and id(owner) not in self._owned
            and self._naive_start(block, end) == self._floor(block) == 0
            and (end + 1 < len(block.body) or owner.orelse is None)
            and not self._region([owner.test]).reason
            and self._test_writes(owner.test)
        ):
            return reason
        position = index_in(outer, owner)
        floor = self._floor(outer)
        if any(self._uncommitted_write(outer.body[i]) for i in range(floor, position)):
            return reason
        unit.block, unit.start, unit.end = outer, position, position
        unit.branch_test, unit.inner_end = owner, end
        try:
            self._evaluate_condition(unit)
        except Unmovable:
            unit.block, unit.start, unit.end = block, unit.start, end
            unit.branch_test, unit.inner_end = None, 0
            unit.start = self._naive_start(block, end)
            return reason
        return ""

    def _test_writes(self, test: cst.BaseExpression) -> bool:
        """A call in an ``if`` test that may write: a function or method of the project or a
        library, not a builtin, a framework reader or a form's ``validate*()``."""
        for node in iter_nodes(test):
            if not isinstance(node, cst.Call):
                continue
            func = node.func
            if isinstance(func, cst.Name) and self.index.is_builtin(func, BUILTINS):
                continue
            if self._reader_call(node) is not None or self.index.framework_use(func) is not None:
                continue
            name = last_name(func)
            if name.startswith(("validate", "is_", "has_", "get", "can")):
                continue
            return True
        return False

    def _evaluate_condition(self, unit: Unit) -> None:
        check = unit.branch_test
        assert check is not None and isinstance(check.body, cst.IndentedBlock)
        moved = list(check.body.body[: unit.inner_end + 1])
        roots: list[cst.CSTNode] = [check.test, *moved]
        region = self._region(roots)
        if region.reason:
            raise Unmovable(region.reason)
        moved_ids = {id(n) for root in roots for n in iter_nodes(root)}
        self._check_moved_reads(roots, roots, moved_ids, region.hoists)
        for hoist in region.hoists:
            if self._may_fail(hoist) and any(_contains(stmt, hoist.expr) for stmt in moved):
                raise Unmovable(f"reads `{code_of(hoist.expr)}` only when the test holds")
        hoisted_ids = {id(n) for h in region.hoists for n in iter_nodes(h.expr)}
        flow = self._unit_flow(unit, hoisted_ids)
        live = flow.live_in([check], self._live_after(unit))
        params, imports, route_names = self._free_names(unit, roots, moved_ids, region.hoists, live)
        assigned = {
            a.name
            for a in self._function_assignments(unit.function)
            if isinstance(a, Assignment) and id(a.node) in moved_ids
        }
        kept = [*check.body.body[unit.inner_end + 1 :]]
        if self._returns(unit, moved_ids) or any(assigned & flow.reads(s) for s in kept):
            raise Unmovable("the route reads values the moved code assigns")
        unit.params = self._all_params(roots, params, region.hoists, {})
        unit.returns = []
        replacer = _Replace({id(h.expr): h.param for h in region.hoists})
        test = check.test.visit(replacer)
        assert isinstance(test, cst.BaseExpression)
        if isinstance(test, (cst.BooleanOperation, cst.IfExp, cst.Lambda)):
            test = test.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        early = cst.If(
            test=cst.UnaryOperation(operator=cst.Not(), expression=test),
            body=cst.IndentedBlock(body=[cst.parse_statement("return False\n")]),
        )
        body: list[cst.SimpleStatementLine | cst.BaseCompoundStatement] = []
        for stmt in moved:
            new = stmt.visit(replacer)
            assert isinstance(new, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            body.append(new)
        body[0] = body[0].with_changes(leading_lines=())
        body_code = code_of(early) + "".join(code_of(stmt) for stmt in body)
        unit.extraction = self._extraction(unit, body_code, imports, route_names, status=True)

    def _exit_start(self, block: cst.IndentedBlock, start: int, previous_end: int) -> int | None:
        """Where the unit starts when the early exits right before ``start`` join it."""
        floor = max(previous_end + 1, self._floor(block))
        if start - 1 < floor or not self._is_exit(block.body[start - 1]):
            return None
        # One exit joins the unit; an earlier one stays a check before it.
        check = block.body[start - 1]
        assert isinstance(check, cst.If)
        function = next(f for f in self._enclosing(check) if isinstance(f, cst.FunctionDef))
        flow = DataFlow(self.index, function)
        tested = {name for test in if_tests(check) for name in flow.reads(test)}
        first = start - 1
        while first - 1 >= floor and not self._region([block.body[first - 1]]).reason:
            first -= 1
        # The unit starts at the first write, or at what computes the values the exit tests;
        # what comes before stays in the route, where it ran before the writes anyway.
        for index in range(first, start - 1):
            stmt = block.body[index]
            if self._region([stmt]).writes or _assigned_names(stmt) & tested:
                return index
        return start - 1 if self._exit_writes(check) else None

    def _is_exit(self, stmt: cst.BaseStatement) -> bool:
        """``if <test>: ...; return/abort(...)``, or an ``if``/``else`` whose one branch answers
        the request and ends it while the others go on: the ending branch stays in the route, the
        tests and the other branches (their writes) can move."""
        return isinstance(stmt, cst.If) and self._exit_branch(stmt) is not None

    def _exit_branch(self, stmt: cst.If) -> tuple[tuple[str, ...], cst.IndentedBlock] | None:
        """The path (``("orelse", "body")``) and block of the one branch of ``stmt`` that ends."""
        key = id(stmt)
        if key not in self._exit_cache:
            self._exit_cache[key] = self._find_exit_branch(stmt)
        return self._exit_cache[key]

    def _find_exit_branch(self, stmt: cst.If) -> tuple[tuple[str, ...], cst.IndentedBlock] | None:
        if not self._region([stmt]).reason:
            return None
        branches = if_branches(stmt)
        if any(block is None and path[-1] != "orelse" for path, block in branches):
            return None  # a one-line body
        function = next(f for f in self._enclosing(stmt) if isinstance(f, cst.FunctionDef))
        flow = DataFlow(self.index, function)
        ending = [
            (path, block)
            for path, block in branches
            if block is not None and flow.bound_after(list(block.body), set()) is None
        ]
        if len(ending) != 1 or len(branches) == 1:
            return None
        path, block = ending[0]
        assert block is not None
        moved = exit_moved_parts(stmt, block)
        if self._region(moved).reason or any(
            isinstance(n, cst.NamedExpr) for part in moved for n in iter_nodes(part)
        ):
            return None
        for node in iter_nodes(block):
            if (
                isinstance(node, cst.Call)
                and isinstance(node.func, cst.Attribute)
                and node.func.attr.value == "commit"
                and self.index.is_session(node.func.value)
            ):
                return None
        return path, block

    def _exit_writes(self, stmt: cst.BaseStatement) -> bool:
        """Whether the moving part of an exit statement writes (``if ok: job.x = 1 else: ...``)."""
        if not isinstance(stmt, cst.If):
            return False
        found = self._exit_branch(stmt)
        return found is not None and self._region(exit_moved_parts(stmt, found[1])).writes

    def _exit_block(self, stmt: cst.If) -> cst.IndentedBlock:
        found = self._exit_branch(stmt)
        assert found is not None
        return found[1]

    def _check_exits(self, unit: Unit, stmts: list[cst.BaseStatement]) -> None:
        """One early exit, before every commit of the unit."""
        if not unit.exits:
            return
        lines = [self.index.line_col(e)[0] for e in unit.exits]
        if len(unit.exits) > 1:
            raise ExitUnmovable(
                f"more than one early exit (lines {', '.join(map(str, lines))}) between the "
                "writes and the commit: check those conditions before the first write, or keep "
                "one check there"
            )
        position = next(i for i, s in enumerate(stmts) if s is unit.exits[0])
        for stmt in stmts[:position]:
            if any(_contains(stmt, call) for call in unit.commits):
                raise ExitUnmovable(
                    f"the early exit at line {lines[0]} comes after a commit of the same unit "
                    "of work: split the writes before and after that commit"
                )

    def _exit_returns(
        self,
        unit: Unit,
        flow: DataFlow,
        stmts: list[cst.BaseStatement],
        returns: list[str],
        params: list[Param],
        moved_ids: set[int],
    ) -> list[str]:
        """The returns with the names the exit's body reads that the moved code assigns; all of
        them must be bound where the service returns early."""
        exit_stmt = unit.exits[0]
        assigned = {
            a.name
            for a in self._function_assignments(unit.function)
            if isinstance(a, Assignment) and id(a.node) in moved_ids
        }
        body_reads = DataFlow(self.index, unit.function).reads(self._exit_block(exit_stmt))
        extra = sorted(body_reads & assigned - set(returns))
        result = [*returns, *extra]
        position = next(i for i, s in enumerate(stmts) if s is exit_stmt)
        bound = flow.bound_after(stmts[:position], {p.name for p in params})
        line = self.index.line_col(exit_stmt)[0]
        for name in result:
            if bound is not None and name not in bound:
                raise ExitUnmovable(
                    f"`{name}` is assigned after the early exit at line {line}, and the route "
                    "reads it after the unit of work: assign it before that check"
                )
        return result

    def _check_exit_reads(
        self, unit: Unit, stmts: list[cst.BaseStatement], hoists: list[Hoist]
    ) -> None:
        """The route evaluates hoisted reads before the call: one that may fail must not come
        after the early exit, where the original route had already answered the request."""
        exit_stmt = unit.exits[0]
        position = next(i for i, s in enumerate(stmts) if s is exit_stmt)
        for hoist in hoists:
            after = any(_contains(stmt, hoist.expr) for stmt in stmts[position + 1 :]) or (
                _contains(exit_stmt, hoist.expr)
                and is_conditional(self.index, hoist.expr, exit_stmt)
            )
            if after and self._may_fail(hoist):
                raise ExitUnmovable(
                    f"reads `{code_of(hoist.expr)}` after (or beside) the early exit at line "
                    f"{self.index.line_col(exit_stmt)[0]}; the route would read it first: read "
                    "it into a variable before the unit of work"
                )

    def _function_assignments(self, function: cst.FunctionDef) -> list[object]:
        assert isinstance(function.body, cst.IndentedBlock)
        scope = self.index.scope_of(function.body.body[0])
        return list(scope.assignments) if scope is not None else []

    def _function_names(self, function_node: cst.FunctionDef) -> set[str]:
        """Every name the route function binds or reads (a new local must not clash)."""
        names = {n.value for n in iter_nodes(function_node) if isinstance(n, cst.Name)}
        return names

    def _uncommitted_write(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The first statement in ``node`` that writes and is not part of a unit of work of its
        own (those writes are committed by that unit's commit, moved or not)."""
        if id(node) in self._owned:
            return None
        if isinstance(node, cst.SimpleStatementLine):
            return node if self._region([node]).writes else None
        for child in node.children:
            if isinstance(child, (cst.BaseExpression, cst.BaseSmallStatement)):
                if self._region([child]).writes:
                    return node
                continue
            found = self._uncommitted_write(child)
            if found is not None:
                return found
        return None

    def _only_commit_reason(self, body: Sequence[cst.BaseStatement], start: int) -> str:
        """Why nothing but the commit could move, naming the statement that stops the unit."""
        stop = next((i for i in range(start - 1, -1, -1) if self._region([body[i]]).reason), None)
        if stop is None:
            return (
                "only the commit itself could move: the writes it commits are not in its block "
                "(an `if` condition, an enclosing block or a previous call)"
            )
        why = self._region([body[stop]]).reason
        line = self.index.line_col(body[stop])[0]
        if why.startswith("builds the response"):
            call = why[why.index("`") : why.rindex("`") + 1]
            return (
                f"the route builds the response ({call} at line {line}) between the writes and "
                "the commit: the service must not build it, and building it after the commit "
                "could give a different response (the commit expires the objects it reads): "
                "build the response after the commit if that is right for this route, then run "
                "again"
            )
        return (
            "only the commit itself could move: the statement at line "
            f"{line} before it {why}, "
            "and the writes it commits come before that statement (or are made by a call there): "
            "make the writes after that statement to let them move with the commit"
        )

    def _check_kept_effect(self, stmt: cst.BaseStatement) -> None:
        """A call of unknown effect that must stay in the route (``self.update_model(...)``)
        may make the writes this commit commits: the unit of work would be split."""
        why = self._region([stmt]).reason
        if not why or not isinstance(stmt, cst.SimpleStatementLine):
            return
        call = self._effect_call(stmt, set())
        if call is not None and not is_guard_name(last_name(call.func)):
            raise Unmovable(
                f"`{code_of(call.func)}()` at line {self.index.line_col(call)[0]} may write what "
                f"this commit commits, but it must stay in the route: it {why}"
            )

    def _raise_split_write(
        self, body: Sequence[cst.BaseStatement], index: int, start: int, write: cst.CSTNode
    ) -> None:
        """Why a write before the movable part of the unit keeps the commit in the route."""
        stop = max(
            (i for i in range(index, start) if self._region([body[i]]).reason),
            default=start - 1,
        )
        why = self._region([body[stop]]).reason or "stays in the route"
        write_line = self.index.line_col(write)[0]
        stop_line = self.index.line_col(body[stop])[0]
        if stop == index and write is not body[index]:
            holder = type(body[index]).__name__.lower()
            message = (
                f"the write at line {write_line} is committed here, but the `{holder}` at line "
                f"{stop_line} that holds it also {why}"
            )
            if why.startswith(("returns early", "calls the framework", "raises an HTTP")):
                message = (
                    f"{message.split(' (')[0]}; move the commit into the branch that writes "
                    "(or the early exit out of the statement) to let it move"
                )
            raise Unmovable(message)
        if stop == index:
            raise Unmovable(f"the write at line {write_line}, committed here, {why}")
        raise Unmovable(
            f"the write at line {write_line} is committed here, but the statement at line "
            f"{stop_line} between them {why}"
        )

    def _is_preparation(self, stmt: cst.BaseStatement) -> bool:
        """Input parsing (``data = request.get_json()``) or a guard that raises before any write:
        such leading statements stay in the route."""
        region = self._region([stmt])
        if region.writes or region.reason:
            return False
        if region.raises:
            return True
        if not region.hoists or not isinstance(stmt, cst.SimpleStatementLine):
            return False
        hoisted = {id(h.expr) for h in region.hoists}
        for small in stmt.body:
            value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
            if value is None or id(value) not in hoisted:
                return False
        return True

    def _only_commit(self, stmt: cst.BaseStatement) -> bool:
        if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
            return False
        small = stmt.body[0]
        value = small.value if isinstance(small, cst.Expr) else None
        if isinstance(value, cst.Await):
            value = value.expression
        return (
            isinstance(value, cst.Call)
            and isinstance(value.func, cst.Attribute)
            and value.func.attr.value == "commit"
        )

    def _moved_roots(self, unit: Unit, stmts: list[cst.BaseStatement]) -> list[cst.CSTNode]:
        if unit.exits:
            # The branch of an early exit that answers the request stays in the route.
            parts: list[cst.CSTNode] = []
            for stmt in stmts:
                if isinstance(stmt, cst.If) and any(stmt is e for e in unit.exits):
                    parts.extend(exit_moved_parts(stmt, self._exit_block(stmt)))
                else:
                    parts.append(stmt)
            return parts
        if unit.try_node is None or unit.split is None:
            return list(stmts)
        roots: list[cst.CSTNode] = list(stmts[:-1]) + list(unit.try_node.body.body)
        for split in unit.split:
            if split.handler.type is not None:
                roots.append(split.handler.type)
            if split.handler.name is not None:
                roots.append(split.handler.name)
            roots.extend(split.moved)
        return roots

    def _is_label(self, name: cst.Name) -> bool:
        """An attribute name or keyword-argument name rather than a variable."""
        parent = self.index.parent(name)
        return (isinstance(parent, cst.Attribute) and parent.attr is name) or (
            isinstance(parent, cst.Arg) and parent.keyword is name
        )

    def _check_hoists(self, hoists: list[Hoist], moved_ids: set[int]) -> None:
        for hoist in hoists:
            for node in iter_nodes(hoist.expr):
                if node is hoist.root or not isinstance(node, cst.Name):
                    continue
                for assignment in self.index.referents(node):
                    target = getattr(assignment, "node", None)
                    if target is not None and id(target) in moved_ids:
                        raise Unmovable(
                            f"reads `{code_of(hoist.expr)}`, which depends on values computed "
                            "in the unit of work"
                        )

    def _check_read_order(self, stmts: Sequence[cst.CSTNode], hoists: list[Hoist]) -> None:
        """The route evaluates hoisted reads before the service call: a read that may fail
        (a malformed body, a missing key) must not come after a call that may have effects."""
        hoisted = {id(n) for h in hoists for n in iter_nodes(h.expr)}
        effect: cst.Call | None = None
        for stmt in stmts:
            for hoist in hoists:
                if effect is not None and self._may_fail(hoist) and _contains(stmt, hoist.expr):
                    raise Unmovable(
                        f"reads `{code_of(hoist.expr)}` after calling `{code_of(effect.func)}()`; "
                        "the route would read it first, so a bad request would fail before that "
                        "call ran: read it into a variable before the call"
                    )
            if effect is None:
                effect = self._effect_call(stmt, hoisted)

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
        referents = self.index.referents(name)
        if not referents:
            return None
        for referent in referents:
            if not isinstance(referent, Assignment) or isinstance(referent, ImportAssignment):
                return None
            target = self.index.parent(referent.node)
            assign = self.index.parent(target) if target is not None else None
            if not (
                isinstance(target, cst.AssignTarget)
                and isinstance(assign, cst.Assign)
                and isinstance(assign.value, cst.Call)
                and last_name(assign.value.func).endswith("Form")
                and last_name(assign.value.func)[:1].isupper()
            ):
                return None
        return data

    def _check_form_stores(self, hoists: list[Hoist], roots: list[cst.CSTNode]) -> None:
        """The route reads a form's fields before the call: the moved code must not set them."""
        forms = {code_of(h.root) for h in hoists if h.use.kind == "form"}
        for root in roots:
            for node in iter_nodes(root):
                if (
                    isinstance(node, cst.Attribute)
                    and is_store(self.index, node)
                    and code_of(node).split(".")[0] in forms
                ):
                    raise Unmovable(
                        f"sets `{code_of(node)}` and reads the form's fields: the route passes "
                        "their values, read before the call; set the field outside the unit of "
                        "work"
                    )

    def _may_fail(self, hoist: Hoist) -> bool:
        """Whether evaluating a hoisted read may raise (a missing key or attribute, a body that
        is not JSON); ``request.args.get("x")`` and ``g.get("x")`` cannot."""
        if hoist.use.kind == "form":
            return False  # a declared field's value
        nodes = list(iter_nodes(hoist.expr))
        if any(isinstance(n, cst.Subscript) for n in nodes):
            return True
        attrs = [n.attr.value for n in nodes if isinstance(n, cst.Attribute)]
        if _is_current_user(hoist.use) and (not attrs or self._login_required(hoist.root)):
            return False  # the proxy itself, or a user that `@login_required` ensures
        if hoist.use.name == "request":
            return "json" in attrs or "get_json" in attrs
        return not (attrs and attrs[-1] == "get")

    def _login_required(self, node: cst.CSTNode) -> bool:
        function = next((f for f in self._enclosing(node) if isinstance(f, cst.FunctionDef)), None)
        return function is not None and any(
            "login_required" in code_of(d.decorator) for d in function.decorators
        )

    def _effect_call(self, stmt: cst.CSTNode, hoisted: set[int]) -> cst.Call | None:
        """A call in ``stmt`` whose effects are unknown: a function of the project or a library,
        or a method of ``self`` or of an imported module (not the session, a model class, a
        builtin or a method of a local object)."""
        for node in iter_nodes(stmt, into_scopes=False):
            if not isinstance(node, cst.Call) or id(node) in hoisted:
                continue
            func = node.func
            root = func
            while isinstance(root, (cst.Attribute, cst.Call, cst.Subscript)):
                root = root.value if not isinstance(root, cst.Call) else root.func
            if not isinstance(root, cst.Name) or root.value[:1].isupper():
                continue
            if self.index.is_builtin(root, BUILTINS) or self.index.is_session(root):
                continue
            if isinstance(func, cst.Attribute) and self.index.is_session(func.value):
                continue
            if self.index.framework_use(root) is not None and root.value != "self":
                continue
            referents = self.index.referents(root)
            imported = any(isinstance(r, ImportAssignment) for r in referents)
            if imported and _from_stdlib(referents):
                continue
            local_object = not imported and root.value not in {"self", "cls"}
            if isinstance(func, cst.Attribute) and local_object:
                continue
            return node
        return None

    def _free_names(
        self,
        unit: Unit,
        roots: list[cst.CSTNode],
        moved_ids: set[int],
        hoists: list[Hoist],
        live: set[str],
    ) -> tuple[list[Param], list[ImportNeed], set[str]]:
        """Parameters (names the moved code may read before assigning them, which the route
        has bound), imports it needs, and the route's imports it uses."""
        hoisted_ids = {id(n) for h in hoists for n in iter_nodes(h.expr)}
        function_scope = self.index.scope_of(unit.function.body.body[0])
        route_bound: set[str] | None = None
        params: list[Param] = []
        imports: dict[str, ImportNeed] = {}
        route_names: set[str] = set()
        seen: set[str] = set()
        for root in roots:
            for node in iter_nodes(root):
                if not isinstance(node, cst.Name) or id(node) in hoisted_ids:
                    continue
                access = self.index.accesses.get(id(node))
                if access is None or node.value in seen:
                    continue
                outside = _outside_referents(node, list(access.referents), moved_ids)
                if not outside:
                    continue
                seen.add(node.value)
                if all(isinstance(r, ImportAssignment) for r in outside):
                    need = self._import_need(node.value, outside, function_scope)
                    if need is not None:
                        imports[node.value] = need
                        if not need.local:
                            route_names.add(node.value)
                        continue
                if any(isinstance(r, Assignment) and r.scope is function_scope for r in outside):
                    if node.value not in live:
                        continue  # assigned before it is read: a local of the moved code
                    if route_bound is None:
                        route_bound = DataFlow(self.index, unit.function).bound_at(
                            unit.block, unit.start
                        )
                    if node.value not in route_bound:
                        raise Unmovable(self._unbound_reason(unit, node.value))
                params.append(Param(node.value, node.value))
        return params, list(imports.values()), route_names

    def _unbound_reason(self, unit: Unit, name: str) -> str:
        line = self.index.line_col(unit.block.body[unit.start])[0]
        return (
            f"the moved code may read `{name}` before assigning it, and the route does not "
            f"assign `{name}` on every path before line {line} (a loop that may not run or a "
            "branch not taken): give it a value on every path first"
        )

    def _unit_flow(self, unit: Unit, hoisted_ids: set[int]) -> DataFlow:
        """Data flow of the moved code: hoisted reads happen in the route, and the part of an
        ``except`` handler that stays in the route is a ``raise`` in the service."""
        raising = {id(split.kept[0]) for split in unit.split or [] if split.kept}
        raising |= {id(self._exit_block(e).body[0]) for e in unit.exits}
        return DataFlow(self.index, unit.function, ignore=hoisted_ids, raising=raising)

    def _live_after(self, unit: Unit) -> set[str]:
        """Local names the route may read after the unit (before assigning them again)."""
        flow = self._route_flows.get(id(unit.function))
        if flow is None:
            flow = DataFlow(self.index, unit.function)
            flow.function_liveness()
            self._route_flows[id(unit.function)] = flow
        return flow.probes.get((id(unit.block), unit.end), set())

    def _import_need(
        self, name: str, referents: Sequence[object], function_scope: object
    ) -> ImportNeed | None:
        assignment = referents[-1]
        assert isinstance(assignment, ImportAssignment)
        statement = assignment.node
        local = assignment.scope is function_scope
        global_scope = self.index.scope_of(self.module.body[0]) if self.module.body else None
        if not local and assignment.scope is not global_scope:
            return None
        if len({id(r.node) for r in referents if isinstance(r, Assignment)}) != 1:
            return None
        if isinstance(statement, cst.Import):
            for alias in statement.names:
                full = dotted(alias.name)
                bound = alias.evaluated_alias or full.split(".")[0]
                if bound == name:
                    return ImportNeed(name, "", full, alias.evaluated_alias, 0, local)
            return None
        assert isinstance(statement, cst.ImportFrom)
        if isinstance(statement.names, cst.ImportStar):
            return None
        module = dotted(statement.module) if statement.module is not None else ""
        for alias in statement.names:
            imported = dotted(alias.name)
            if (alias.evaluated_alias or imported) == name:
                return ImportNeed(
                    name, module, imported, alias.evaluated_alias, len(statement.relative), local
                )
        return None

    def _returns(self, unit: Unit, moved_ids: set[int]) -> list[str]:
        """Names the moved code assigns that the route may read afterwards."""
        live_after = self._live_after(unit)
        kept_ids = {
            id(n) for split in unit.split or [] for stmt in split.kept for n in iter_nodes(stmt)
        }
        function_ids = {id(n) for n in iter_nodes(unit.function)}
        names: list[str] = []
        for scope_owner in [unit.function.body.body[0]]:
            scope = self.index.scope_of(scope_owner)
            if scope is None:
                continue
            for assignment in scope.assignments:
                if not isinstance(assignment, Assignment) or id(assignment.node) not in moved_ids:
                    continue
                if assignment.name in names:
                    continue
                for access in assignment.references:
                    if id(access.node) not in function_ids:
                        continue
                    if id(access.node) in kept_ids:
                        raise Unmovable(
                            f"the `except` handler that stays in the route reads `{assignment.name}`"
                        )
                if assignment.name in live_after:
                    names.append(assignment.name)
        order: dict[str, int] = {}
        for node in _preorder_many(unit.block.body[unit.start : unit.end + 1]):
            if isinstance(node, cst.Name) and node.value in names and node.value not in order:
                order[node.value] = len(order)
        return sorted(names, key=lambda n: order.get(n, len(order)))

    def _check_definite(
        self, flow: DataFlow, stmts: list[cst.BaseStatement], returns: list[str], params: set[str]
    ) -> None:
        bound = flow.bound_after(stmts, set(params))
        for name in returns:
            if bound is not None and name not in bound:
                raise Unmovable(
                    f"`{name}` is assigned only on some paths through the moved code but the "
                    "route reads it afterwards"
                )

    def _check_handlers_end(self, unit: Unit, returns: list[str]) -> None:
        """After the route's ``except`` handler completes normally, the values the service call
        would have returned were never assigned."""
        if not returns:
            return
        route_flow = DataFlow(self.index, unit.function)
        for split in unit.split or []:
            if (
                split.kept
                and not is_bare_raise(split.kept)
                and route_flow.bound_after(split.kept, set()) is not None
            ):
                raise Unmovable(
                    "the `except` handler that stays in the route goes on after the error, "
                    f"and the route then reads `{returns[0]}`, which the moved code assigns"
                )

    def _foldable(
        self,
        stmts: list[cst.BaseStatement],
        hoists: list[Hoist],
        live: set[str],
    ) -> tuple[dict[int, str], set[int]]:
        """``data = request.get_json()`` inside the unit: the route passes the value as ``data`` and
        the statement is dropped from the service. Right when ``data`` is not a parameter already
        and nothing before the statement binds it, so the value passed is the one first read."""
        codes: dict[str, int] = {}
        for hoist in hoists:
            code = _hoist_code(hoist)
            codes[code] = codes.get(code, 0) + 1
        by_expr = {id(h.expr): h for h in hoists}
        preferred: dict[int, str] = {}
        dropped: set[int] = set()
        stored: set[str] = set(live)
        for stmt in stmts:
            name = self._folded_name(stmt, by_expr)
            if name is not None and name not in stored:
                found = by_expr[id(_assigned_value(stmt))]
                if codes[_hoist_code(found)] == 1:
                    preferred[id(found.expr)] = name
                    dropped.add(id(stmt))
            stored |= {
                node.value
                for node in iter_nodes(stmt)
                if isinstance(node, cst.Name) and is_store(self.index, node)
            }
        return preferred, dropped

    def _folded_name(self, stmt: cst.BaseStatement, by_expr: dict[int, Hoist]) -> str | None:
        """``name`` for a statement ``name = <hoisted read>``."""
        value = _assigned_value(stmt)
        if value is None or id(value) not in by_expr:
            return None
        assert isinstance(stmt, cst.SimpleStatementLine)
        assign = stmt.body[0]
        assert isinstance(assign, cst.Assign)
        target = assign.targets[0].target
        return target.value if isinstance(target, cst.Name) else None

    def _name_hoists(
        self, hoists: list[Hoist], used: set[str], preferred: dict[int, str]
    ) -> list[Param]:
        by_code: dict[str, str] = {}
        params: list[Param] = []
        taken = set(used) - set(preferred.values())
        for hoist in sorted(hoists, key=lambda h: len(_hoist_code(h))):
            code = _hoist_code(hoist)
            if code in by_code:
                hoist.param = by_code[code]
                continue
            prefix = next(
                (c for c in by_code if code.startswith(c) and code[len(c) : len(c) + 1] in ".["),
                None,
            )
            if prefix is not None and id(hoist.expr) not in preferred:
                # `g.tenant.id` next to `g.tenant`: read it from the value already passed.
                hoist.param = by_code[prefix] + code[len(prefix) :]
                continue
            name = preferred.get(id(hoist.expr)) or unique(_unclashed(hoist, taken), taken)
            taken.add(name)
            by_code[code] = name
            hoist.param = name
            params.append(Param(name, code))
        order = {id(h.expr): i for i, h in enumerate(hoists)}
        first_use = {
            p.name: min(order[id(h.expr)] for h in hoists if h.param == p.name) for p in params
        }
        return sorted(params, key=lambda p: first_use[p.name])

    def _service_body(
        self,
        unit: Unit,
        stmts: list[cst.BaseStatement],
        hoists: list[Hoist],
        dropped: set[int],
    ) -> str:
        replacer = _Replace({id(h.expr): h.param for h in hoists})
        moved: list[cst.BaseStatement] = []
        carried: Sequence[cst.EmptyLine] = ()
        for stmt in stmts:
            if id(stmt) in dropped:
                carried = carried or getattr(stmt, "leading_lines", ())
                continue
            new: cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel[cst.BaseStatement]
            new = stmt.visit(replacer)
            if (
                isinstance(stmt, cst.If)
                and isinstance(new, cst.If)
                and any(stmt is e for e in unit.exits)
            ):
                early = cst.parse_statement(f"return {', '.join(['False', *unit.returns])}\n")
                found = self._exit_branch(stmt)
                assert found is not None
                new = replace_branch(new, found[0], early)
            assert isinstance(new, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
            if carried and not new.leading_lines:
                new = new.with_changes(leading_lines=carried)
            carried = ()
            moved.append(new)
        if unit.try_node is not None and unit.split is not None:
            new_try = moved[-1]
            assert isinstance(new_try, cst.Try)
            handlers: list[cst.ExceptHandler] = []
            for split, handler in zip(unit.split, new_try.handlers, strict=False):
                assert isinstance(handler.body, cst.IndentedBlock)
                kept_moved = list(handler.body.body[: len(split.moved)])
                if split.kept:
                    kept_moved.append(cst.SimpleStatementLine([cst.Raise()]))
                handlers.append(
                    handler.with_changes(body=handler.body.with_changes(body=kept_moved))
                )
            if all(not s.moved for s in unit.split):
                moved[-1:] = [s for s in new_try.body.body if isinstance(s, cst.BaseStatement)]
            else:
                moved[-1] = new_try.with_changes(handlers=handlers)
        if moved:
            first = moved[0]
            moved[0] = first.with_changes(leading_lines=())
        return "".join(code_of(stmt) for stmt in moved)


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, str]) -> None:
        super().__init__()
        self.replacements = replacements

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:  # type: ignore[override]
        text = self.replacements.get(id(original_node))
        if text is None:
            return updated_node
        assert isinstance(original_node, cst.BaseExpression)
        replacement = cst.parse_expression(text)
        return replacement.with_changes(lpar=original_node.lpar, rpar=original_node.rpar)


# --- helpers ----------------------------------------------------------------------------------------------


def _merged_ranges(entries: list[_Range]) -> list[tuple[int, int, list[cst.Call], bool]]:
    """Overlapping ranges of one statement list joined: one unit ends several commits."""
    entries.sort(key=lambda e: (e[1], e[0]))
    merged: list[tuple[int, int, list[cst.Call], bool]] = []
    for start, end, call, lifted in entries:
        if merged and start <= merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (min(prev[0], start), max(prev[1], end), [*prev[2], call], lifted)
        else:
            merged.append((start, end, [call], lifted))
    return merged


def _outside_referents(
    node: cst.Name, referents: list[object], moved_ids: set[int]
) -> list[object]:
    """The bindings of ``node`` outside the moved code (none for a builtin)."""
    if not referents:
        if node.value in BUILTINS or node.value in {"__name__", "__file__"}:
            return []
        raise Unmovable(f"`{node.value}` is not defined where it is read (a `*` import?)")
    if all(isinstance(r, BuiltinAssignment) for r in referents):
        return []
    return [r for r in referents if not (isinstance(r, Assignment) and id(r.node) in moved_ids)]


def _writes_attribute(node: cst.Assign | cst.AugAssign | cst.AnnAssign | cst.Del) -> bool:
    """Whether an assignment or ``del`` stores into an attribute (``job.title = ...``)."""
    targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
    return any(
        isinstance(part, cst.Attribute) for target in targets for part in target_parts(target)
    )


def _preorder(node: cst.CSTNode) -> Iterable[cst.CSTNode]:
    return iter_nodes(node)


def _preorder_many(nodes: Iterable[cst.CSTNode]) -> Iterable[cst.CSTNode]:
    for node in nodes:
        yield from iter_nodes(node)


def _assigned_names(stmt: cst.BaseStatement) -> set[str]:
    """Names a simple statement assigns (``a = b = ...``, ``x, y = ...``)."""
    names: set[str] = set()
    if not isinstance(stmt, cst.SimpleStatementLine):
        return names
    for small in stmt.body:
        targets: list[cst.BaseExpression] = []
        if isinstance(small, cst.Assign):
            targets = [t.target for t in small.targets]
        elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
            targets = [small.target]
        for target in targets:
            names |= {p.value for p in target_parts(target) if isinstance(p, cst.Name)}
    return names


Branch = tuple[tuple[str, ...], cst.IndentedBlock | None]


def if_branches(stmt: cst.If) -> list[Branch]:
    """Every branch of an ``if``/``elif``/``else`` chain: the attribute path from ``stmt`` to its
    block, and the block (None for a one-line body, or for the ``else`` that is not written)."""
    branches: list[Branch] = []
    path: tuple[str, ...] = ()
    node: cst.If | cst.Else | None = stmt
    while node is not None:
        block = node.body if isinstance(node.body, cst.IndentedBlock) else None
        branches.append(((*path, "body"), block))
        if isinstance(node, cst.Else):
            return branches
        path = (*path, "orelse")
        node = node.orelse
    branches.append((path, None))
    return branches


def if_tests(stmt: cst.If) -> list[cst.BaseExpression]:
    """The tests of an ``if``/``elif`` chain."""
    tests: list[cst.BaseExpression] = []
    node: cst.If | cst.Else | None = stmt
    while isinstance(node, cst.If):
        tests.append(node.test)
        node = node.orelse
    return tests


def exit_moved_parts(stmt: cst.If, exit_block: cst.IndentedBlock) -> list[cst.CSTNode]:
    """What of an exit statement moves: every test of the chain and the other branches."""
    parts: list[cst.CSTNode] = []
    node: cst.If | cst.Else | None = stmt
    while node is not None:
        if isinstance(node, cst.If):
            parts.append(node.test)
        if node.body is not exit_block and isinstance(node.body, cst.IndentedBlock):
            parts.extend(node.body.body)
        node = node.orelse if isinstance(node, cst.If) else None
    return parts


def replace_branch(node: cst.CSTNode, path: Sequence[str], stmt: cst.BaseStatement) -> cst.CSTNode:
    """``node`` with the block at ``path`` holding only ``stmt``."""
    if len(path) == 1:
        block = getattr(node, path[0])
        assert isinstance(block, cst.IndentedBlock)
        return node.with_changes(**{path[0]: block.with_changes(body=[stmt])})
    child = getattr(node, path[0])
    return node.with_changes(**{path[0]: replace_branch(child, path[1:], stmt)})


def _contains(stmt: cst.CSTNode, node: cst.CSTNode) -> bool:
    return any(inner is node for inner in iter_nodes(stmt))


def _from_stdlib(referents: Collection[object]) -> bool:
    """Whether a name is imported from the standard library (``datetime.now()`` has no effect
    a request could observe before a later read)."""
    for referent in referents:
        statement = getattr(referent, "node", None)
        if isinstance(statement, cst.ImportFrom):
            if statement.relative or statement.module is None:
                return False
            module = dotted(statement.module)
        elif isinstance(statement, cst.Import):
            module = dotted(statement.names[0].name)
        else:
            return False
        if module.split(".")[0] not in sys.stdlib_module_names:
            return False
    return True


def _assigned_value(stmt: cst.BaseStatement) -> cst.BaseExpression | None:
    """The value of a statement that is exactly one ``name = value``."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    assign = stmt.body[0]
    if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
        return None
    return assign.value


def _suggest(hoist: Hoist) -> str:
    """A parameter name for a hoisted read; request-dependent calls are named by what they
    return (``get_ip()`` → ``ip``, ``_("...")`` → ``message``, ``auth.current_user()`` →
    ``auth_user``)."""
    if hoist.use.kind != "reader":
        return suggest_name(hoist.expr, hoist.use.name)
    name = hoist.use.name
    if name in READER_CALLABLES:
        return "locale" if name == "get_locale" else "message"
    if name == "current_user":
        return "auth_user"
    return name.removeprefix("get_") or name


def _unclashed(hoist: Hoist, taken: set[str]) -> str:
    """The suggested name, or when the moved code already uses it, one that says where the
    value comes from (``form.post.data`` → ``post_data``; ``request.form.get("count")`` next to
    a local ``count`` → ``raw_count``)."""
    name = _suggest(hoist)
    if name not in taken:
        return name
    if hoist.use.kind == "form":
        return f"{name}_data"
    if hoist.use.name == "request":
        return f"raw_{name}"
    return name


def _hoist_code(hoist: Hoist) -> str:
    """What the route passes for a hoisted read: Flask-Login's ``current_user`` proxy is
    passed as the user object behind it, so the service never touches the proxy."""
    code = code_of(hoist.expr)
    if _is_current_user(hoist.use) and hoist.expr is hoist.root:
        return f"{code}._get_current_object()"
    return code


def _is_current_user(use: FrameworkUse) -> bool:
    return use.kind == "value" and use.name == "current_user"
