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

import ast
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import cast

import libcst as cst
from libcst.metadata import Assignment, ImportAssignment

from backfix.cst_utils import dotted, last_name
from backfix.cst_walk import children

from . import reasons as R
from .dataflow import DataFlow
from .extraction import ExtractionBuilder, ReplaceReads
from .frameworks import (
    LOGGER_NAMES,
    SESSION_WRITES,
    ModuleIndex,
    is_database_error,
    is_guard_name,
    iter_nodes,
)
from .input_reads import assigns_input_keys, input_reads
from .model import CommitSite, Param
from .module_nodes import NAME_TYPES, exact_types
from .naming import BUILTINS, unique
from .proxies import Proxies
from .reasons import NO_REASON, Reason
from .regions import CONVERTERS, RegionClassifier, form_class_method, is_config_read
from .routes import RouteLayer
from .syntax import (
    assigned_parts,
    code_of,
    index_in,
    is_bare_raise,
    is_conditional,
    is_docstring,
    is_label,
    is_store,
    target_parts,
)
from .types import MAYBE_ONE, assigned_value
from .unit_flow import UnitFlow
from .units import (
    ExitUnmovable,
    Hoist,
    SplitHandler,
    Unit,
    Unmovable,
    hoisted_nodes,
    split_try_body,
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


_YIELDS = exact_types(cst.Yield)
_CALLS = exact_types(cst.Call)
_ATTRIBUTES = exact_types(cst.Attribute)
_DECLARATIONS = exact_types(cst.Global, cst.Nonlocal)


@dataclass
class _Commit:
    call: cst.Call
    function: cst.FunctionDef | None
    reason: Reason = NO_REASON


#: the statements one commit's unit spans: start, end, the commit, whether a `try` was lifted.
_Range = tuple[int, int, cst.Call, bool]


#: methods of ``str`` that normalize a value read from the request
_STRING_NORMALIZERS = frozenset(
    {"lower", "upper", "strip", "lstrip", "rstrip", "title", "casefold", "capitalize"}
)


class Analyzer:
    """Runs over one module; ``units`` and ``sites`` are the results."""

    def __init__(
        self,
        module: cst.Module,
        path: str,
        session_names: Collection[str],
        in_route_path: bool,
        tree: ast.Module | None = None,
        text: str | None = None,
        route_module: Callable[[str], bool] | None = None,
        route_folder_only: str = "",
        route_name_only: str = "",
        proxies: Proxies | None = None,
    ) -> None:
        self.index = ModuleIndex(module, session_names, tree, text, proxies)
        self.nodes = self.index.nodes
        self.module = module
        self.path = path
        self.in_route_path = in_route_path
        #: the route folder the module is in when only its folder makes it route layer
        self.route_folder_only = route_folder_only
        #: the module's file name when only that name makes it route layer (``api.py``) and it
        #: imports no web framework: code that can read no request is no route's helper
        imports_framework = bool(route_name_only) and self.index.imports_framework()
        self.route_name_only = "" if imports_framework else route_name_only
        self.units: list[Unit] = []
        self.sites: list[CommitSite] = []
        #: the receivers of ``x.commit()`` calls in route functions that are not known sessions
        #: (``SESSION`` imported from the app package): the run names them, in case one is
        self.unknown_receivers: list[str] = []
        self.routes = RouteLayer(self.index, module, in_route_path, self.nodes)
        self.functions = self.routes.functions
        self.regions = RegionClassifier(self.index, module, self.routes, path, route_module)
        self.flow = UnitFlow(self.index, module, self.regions.reads_route_layer)
        self.extract = ExtractionBuilder(self.index, self.routes, self._exit_path)
        self._owned: set[int] = set()
        self._exit_cache: dict[int, tuple[tuple[str, ...], cst.IndentedBlock] | None] = {}
        #: per route function, the names its body declares `global`/`nonlocal`.
        self._declared: dict[int, set[str]] = {}
        self.relative_level = self.nodes.relative_level

    def _exit_path(self, stmt: cst.If) -> tuple[str, ...]:
        """The path from an early exit ``stmt`` to its branch that stays in the route."""
        found = self._exit_branch(stmt)
        assert found is not None
        return found[0]

    # --- commits -----------------------------------------------------------------------------------------

    def _commits(self) -> list[_Commit]:
        found: list[_Commit] = []
        for node in self.nodes.calls:
            if not (
                isinstance(node.func, cst.Attribute)
                and node.func.attr.value == "commit"
                and not node.args
            ):
                continue
            if not self.index.is_session(node.func.value):
                self._note_unknown_receiver(node.func.value)
                continue
            enclosing = self.routes.enclosing(node)
            if not enclosing:
                if self.in_route_path:
                    found.append(
                        _Commit(
                            node, None, Reason(R.COMMIT_AT_MODULE_LEVEL, "commit at module level")
                        )
                    )
                continue
            inner = enclosing[0]
            if isinstance(inner, cst.Lambda):
                found.append(
                    _Commit(node, None, Reason(R.COMMIT_IN_LAMBDA, "commit inside a lambda"))
                )
                continue
            if isinstance(inner, cst.ClassDef):
                if self.in_route_path:
                    found.append(
                        _Commit(
                            node, None, Reason(R.COMMIT_IN_CLASS_BODY, "commit in a class body")
                        )
                    )
                continue
            assert isinstance(inner, cst.FunctionDef)
            if not self.routes.in_route_layer(inner):
                continue
            if (self.route_folder_only or self.route_name_only) and self.routes.in_helper_module(
                inner
            ):
                found.append(_Commit(node, inner, self._helper_module_reason()))
                continue
            nested = any(isinstance(n, cst.FunctionDef) for n in enclosing[1:])
            if nested and not self.routes.is_route_function(inner):
                found.append(
                    _Commit(
                        node,
                        inner,
                        Reason(R.COMMIT_IN_NESTED_FUNCTION, "commit inside a nested function"),
                    )
                )
                continue
            found.append(_Commit(node, inner))
        return found

    def _note_unknown_receiver(self, receiver: cst.BaseExpression) -> None:
        """Keep the receiver of a ``commit()`` in a route function that is no known session."""
        enclosing = self.routes.enclosing(receiver)
        inner = enclosing[0] if enclosing else None
        if isinstance(inner, cst.FunctionDef) and self.routes.is_route_function(inner):
            self.unknown_receivers.append(code_of(receiver))

    def _helper_module_reason(self) -> Reason:
        if self.route_name_only:
            return Reason(
                R.HELPER_MODULE_NAMED_AS_ROUTES,
                f"{self.path} defines no route or view and imports no web framework; it is "
                f"route layer only because of its name `{self.route_name_only}`: such a module "
                "that commits is the project's data or service code. Move the code that "
                "commits into the service layer by hand, or list the module in `route_paths` "
                f"(`-o route_paths={self.path}`) if its functions serve requests",
            )
        return Reason(
            R.HELPER_MODULE_IN_ROUTE_FOLDER,
            f"{self.path} defines no route or view; it is route layer only because it sits in "
            f"the route folder `{self.route_folder_only}/`: a helper that commits is the "
            "project's own service code. Move it into the service layer by hand, or list the "
            "module in `route_paths` if its functions serve requests",
        )

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
                    site.reason_id,
                )
            )
        self.sites = numbered

    def _site(self, call: cst.Call, unit_id: str | None, reason: Reason) -> None:
        line, col = self.index.line_col(call)
        code = code_of(call)
        self.sites.append(
            CommitSite(
                line,
                col,
                self.routes.scope_name(call),
                " ".join(code.split()),
                code,
                unit_id,
                str(reason),
                reason.id,
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
                    unit.reason = self._with_exits(unit, start, previous_end, lifted, exc.reason)
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
            if not lifted_try:
                end = self._refreshes_after(block, end, call)
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

    def _refreshes_after(self, block: cst.IndentedBlock, end: int, call: cst.Call) -> int:
        """``end``, or the index of the last ``session.refresh(x)`` right after the commit
        statement ``block.body[end]`` (on the session committed): reloading what was committed
        belongs to the unit of work, as in hand-written services."""
        assert isinstance(call.func, cst.Attribute)
        stmt = block.body[end]
        if not (isinstance(stmt, cst.SimpleStatementLine) and _expression_call(stmt) is call):
            return end
        session = code_of(call.func.value)
        while end + 1 < len(block.body):
            refresh = _expression_call(block.body[end + 1])
            if not (
                refresh is not None
                and isinstance(refresh.func, cst.Attribute)
                and refresh.func.attr.value == "refresh"
                and code_of(refresh.func.value) == session
            ):
                break
            end += 1
        return end

    def _record_units(self, units: list[Unit]) -> None:
        """Keep the units of one function and record a site per commit."""
        for unit in units:
            owner = self._absorbing_unit(unit, units)
            if owner is not None:
                # A unit inside the statements another unit moves goes along with it.
                for call in unit.commits:
                    self._site(call, owner.unit_id, NO_REASON)
                continue
            self.units.append(unit)
            for call in unit.commits:
                self._site(call, unit.unit_id if unit.extraction else None, unit.reason)

    def _absorbing_unit(self, unit: Unit, units: list[Unit]) -> Unit | None:
        for other in units:
            if other is unit or other.extraction is None:
                continue
            moved = other.block.body[other.start : other.end + 1]
            if any(self.index.is_within(unit.block, stmt) for stmt in moved):
                return other
        return None

    def _function_reason(self, function: cst.FunctionDef) -> Reason:
        if not isinstance(function.body, cst.IndentedBlock):
            return Reason(R.ONE_LINE_FUNCTION, "one-line function body")
        declared: set[str] = set()
        generator = False
        # One walk for both facts of the body (its own scope): a `yield`, and the names it
        # declares `global`/`nonlocal` (for `_check_declared`).
        for node in self.index.subtree(function.body, into_scopes=False):
            kind = type(node)
            if kind in _YIELDS:
                generator = True
            elif kind in _DECLARATIONS:
                names = cast("cst.Global | cst.Nonlocal", node).names
                declared.update(item.name.value for item in names)
        self._declared[id(function)] = declared
        if generator:
            return Reason(R.GENERATOR_ROUTE, "the route is a generator (`yield`)")
        return NO_REASON

    def _place(
        self, function: cst.FunctionDef, call: cst.Call
    ) -> tuple[cst.IndentedBlock, int, bool] | Reason:
        """The statement list and index of the statement that ends the unit of ``call``."""
        candidates = self._candidates(function, call)
        if isinstance(candidates, str):
            return candidates
        return self._first_movable(candidates)

    def _candidates(
        self, function: cst.FunctionDef, call: cst.Call
    ) -> list[tuple[cst.IndentedBlock, int, bool]] | Reason:
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
                return Reason(
                    R.COMMIT_IN_HANDLER, "commit inside an exception handler or `finally`"
                )
            if isinstance(owner, cst.Else):
                return Reason(R.COMMIT_IN_ELSE, "commit in the `else` of a `try` or loop")
            return Reason(R.COMMIT_IN_STATEMENT, f"commit inside `{type(owner).__name__}`")
        return candidates

    def _first_movable(
        self, candidates: list[tuple[cst.IndentedBlock, int, bool]]
    ) -> tuple[cst.IndentedBlock, int, bool] | Reason:
        """The outermost candidate whose statement may end a unit, or why none may."""
        reasons: list[Reason] = []
        lifted_reason = NO_REASON
        for position in reversed(range(len(candidates))):
            block, index, was_lifted = candidates[position]
            stmt_node = block.body[index]
            if was_lifted:
                assert isinstance(stmt_node, cst.Try)
                # the candidate before it is the statement of the `try` body that holds the commit
                reason = self._try_reason(stmt_node, candidates[position - 1][1])
                start = self._naive_start(block, index)
                problem = self._pre_try_problem(block, start, index)
                if not reason and self._route_keeps_handlers(stmt_node) and problem:
                    # The route's `try` will wrap the whole service call: statements before the
                    # `try` stay in the route, so none of them may be a write of this unit.
                    for before in block.body[start:index]:
                        if self.regions.region([before]).writes:
                            reason = Reason(
                                R.WRITES_BEFORE_TRY,
                                "the writes before the `try` at line "
                                f"{self.index.line_col(stmt_node)[0]} would move under its "
                                f"handlers, and that is not safe here {problem}",
                            )
                            break
                if reason:
                    lifted_reason = lifted_reason or reason
            else:
                reason = self._end_reason(stmt_node)
            if not reason:
                if lifted_reason and not any(
                    self._joins_commit(before) for before in block.body[:index]
                ):
                    # Only the commit would move out of the `try`: the outer reason is the
                    # one that explains why its writes cannot move.
                    return lifted_reason
                return block, index, was_lifted
            reasons.append(reason)
        return reasons[-1]

    def _joins_commit(self, stmt: cst.BaseStatement) -> bool:
        """Whether ``stmt`` does database work a commit after it commits: it writes, or hands
        the session to a call (``helpers.tag(db.session, name=name)``)."""
        if self.regions.region([stmt]).writes:
            return True
        return any(
            isinstance(node, cst.Arg) and self.index.is_session(node.value)
            for node in self.index.subtree(stmt, into_scopes=False)
        )

    def _end_reason(self, stmt: cst.BaseStatement) -> Reason:
        region = self.regions.region([stmt])
        if region.reason:
            if isinstance(stmt, (cst.For, cst.While)):
                return Reason(R.LOOP_BODY_STAYS, f"commit inside a loop whose body {region.reason}")
            return region.reason
        if isinstance(stmt, (cst.For, cst.While)) and any(
            isinstance(n, cst.Break) for n in self.index.subtree(stmt, into_scopes=False)
        ):
            return Reason(R.LOOP_WITH_BREAK, "commit inside a loop with `break`")
        return NO_REASON

    def _try_reason(self, node: cst.Try, commit_index: int) -> Reason:
        """Why the ``try`` around a commit (in the statement ``commit_index`` of its body) cannot
        move into the service, with the route keeping its handlers' other statements."""
        stays = self._stays_after_commit(node, commit_index)
        if node.finalbody is not None or (node.orelse is not None and not stays):
            return Reason(R.TRY_ELSE_FINALLY, "`try` with `else`/`finally` around the commit")
        body = list(node.body.body)
        region = self.regions.region(body)
        if region.reason and not (
            stays and not self.regions.region(body[: commit_index + 1]).reason
        ):
            return region.reason
        for handler in node.handlers:
            moved, _ = self._split_handler(handler)
            moved_region = self.regions.region(moved)
            # (the session the user named, read from the framework, is the service's session)
            reads = [h for h in moved_region.hoists if not self.index.is_listed_session(h.expr)]
            if moved_region.reason or reads:
                return Reason(
                    R.ROLLBACK_USES_FRAMEWORK,
                    "the rollback part of an `except` handler uses the framework",
                )
        return NO_REASON

    def _stays_after_commit(self, node: cst.Try, commit_index: int) -> bool:
        """Whether what of the ``try`` runs after its commit (the body's statements after the one
        at ``commit_index``, the ``else``) may stay in the route's ``try``, after the service
        call: the route keeps a handler, and they neither write to the database nor use the
        session (``flask.g.user = user`` is fine). Statements after the commit in the body need
        handlers whose moved part only rolls back: after a commit, a rollback the route then
        skips would have done nothing."""
        if not isinstance(node.body, cst.IndentedBlock) or (
            node.orelse is not None and not isinstance(node.orelse.body, cst.IndentedBlock)
        ):
            return False  # (`else: flash("saved")` on one line: not worth its own rewrite)
        tail = list(node.body.body[commit_index + 1 :])
        orelse = node.orelse.body if node.orelse is not None else None
        after = tail + (list(orelse.body) if isinstance(orelse, cst.IndentedBlock) else [])
        if not after or not self._route_keeps_handlers(node):
            return False
        if tail and not all(self._rollback_only(self._split_handler(h)[0]) for h in node.handlers):
            return False
        # (writes to `flask.g` or a form's fields are no database writes)
        return not any(
            self._uncommitted_write(stmt, database=True) is not None or self._uses_session(stmt)
            for stmt in after
        )

    def _try_tail(self, node: cst.Try, commits: Sequence[cst.Call]) -> int:
        """How many statements at the end of the body of ``node`` (a moved ``try`` around
        ``commits``) stay in the route: those after the last commit, when they must (they use
        the framework) and may (see :meth:`_stays_after_commit`); else none."""
        body = list(node.body.body)
        last = max(
            i for i, stmt in enumerate(body) if any(self.index.is_within(c, stmt) for c in commits)
        )
        if last + 1 == len(body) or not self._stays_after_commit(node, last):
            return 0
        return len(body) - last - 1 if self.regions.region(body).reason else 0

    def _rollback_only(self, stmts: Sequence[cst.BaseStatement]) -> bool:
        """Whether ``stmts`` (the moved part of a handler) only call ``session.rollback()``."""
        for stmt in stmts:
            call = _expression_call(stmt)
            if call is None or not (
                isinstance(call.func, cst.Attribute) and call.func.attr.value == "rollback"
            ):
                return False
        return True

    def _uses_session(self, stmt: cst.BaseStatement) -> bool:
        """Whether ``stmt`` reads the session anywhere (a call on it, or hands it on)."""
        return any(
            isinstance(node, (cst.Name, cst.Attribute)) and self.index.is_session(node)
            for node in self.index.subtree(stmt, into_scopes=False)
        )

    def _pre_try_movable(self, block: cst.IndentedBlock, start: int, end: int) -> bool:
        """Whether the statements before a moved ``try`` may move with it."""
        return not self._pre_try_problem(block, start, end)

    def _pre_try_problem(self, block: cst.IndentedBlock, start: int, end: int) -> str:
        """Why the statements before a moved ``try`` may not move with it, the route's ``try``
        then wrapping them ("" when they may): its handlers must catch only SQLAlchemy errors,
        and the statements call nothing that can raise one (only model constructors,
        ``session.add``, builtins, the standard library, framework reads and methods of plain
        values). Every problem is named, so that one fix does not just reveal the next, and the
        fix that settles them follows."""
        try_node = block.body[end]
        assert isinstance(try_node, cst.Try)
        handlers = self._handler_problems(try_node)
        raising = [p for stmt in block.body[start:end] if (p := self._raising(stmt))]
        if not handlers and not raising:
            return ""
        # What the user can do: a handler that catches more can be narrowed; statements that
        # may raise a database error can only go under the handlers, into the `try`.
        advice = (
            "move those statements into the `try`, whose handlers then also catch what they raise"
            if raising
            else "narrow the handler to the database error, or move those statements into the `try`"
        )
        return f"({'; '.join([*handlers, *raising])}): {advice}"

    def _handler_problems(self, try_node: cst.Try) -> list[str]:
        """The handlers of ``try_node`` that catch more than SQLAlchemy's errors."""
        problems: list[str] = []
        for handler in try_node.handlers:
            kinds = handler.type
            if kinds is None:
                problems.append("a bare `except:`")
                continue
            elements = (
                [e.value for e in kinds.elements] if isinstance(kinds, cst.Tuple) else [kinds]
            )
            for kind in elements:
                names = self.index.qualified_names(kind)
                if not names or not all(map(is_database_error, names)):
                    problems.append(
                        f"`except {code_of(kind)}`, which catches more than database errors"
                    )
        return problems

    def _raising(self, stmt: cst.BaseStatement) -> str:
        """What in ``stmt`` must stay in the route, or may raise a database error ("" if none)."""
        region = self.regions.region([stmt])
        if region.reason:
            return str(region.reason)
        hoisted = hoisted_nodes(self.index, region.hoists)
        for node in self.index.subtree(stmt, into_scopes=False):
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
            return (
                func.value[:1].isupper()
                or self.index.is_builtin(func, BUILTINS)
                or self._standard_library(func)
            )
        if not isinstance(func, cst.Attribute):
            return False
        if self.index.is_session(func.value):
            # (not `delete()`: it loads what its cascades delete, which may fail)
            return func.attr.value in {"add", "add_all", "expunge"}
        if func.attr.value[:1].isupper() and isinstance(func.value, cst.Name):
            # a class of an imported module (`models.Host()`), like `Host()` above
            return self._imported(func.value)
        return func.attr.value in _PLAIN_METHODS or self._standard_library(func)

    def _imported(self, name: cst.Name) -> bool:
        """Whether ``name`` is bound by imports only."""
        referents = self.index.referents(name)
        return bool(referents) and all(isinstance(r, ImportAssignment) for r in referents)

    def _standard_library(self, func: cst.Name | cst.Attribute) -> bool:
        """Whether ``func`` is imported from the standard library or read off such a module, or
        off what one of its calls returned (``sha512``, ``hashlib.sha512(data).hexdigest``): none
        of them raises a database error."""
        root = _call_root(func, subscripts=False)
        referents = self.index.referents(root) if root is not None else []
        return bool(referents) and _from_stdlib(referents)

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
            if self.regions.region([block.body[index]]).reason:
                start = index + 1
        return start

    # --- evaluation ---------------------------------------------------------------------------------------

    def _evaluate(
        self, unit: Unit, previous_end: int, lifted: bool, allow_exits: bool = False
    ) -> None:
        """Settle what of ``unit`` moves, its parameters, return values and service body; raises
        ``Unmovable`` with the reason when it must stay in the route."""
        stmts = self._unit_statements(unit, previous_end, lifted, allow_exits)
        self._check_outer_writes(unit)
        self._check_readds_only(unit, stmts)
        moved_roots = self._moved_roots(unit, stmts)
        region = self.regions.region(moved_roots)
        if region.reason:
            raise Unmovable(region.reason.id, region.reason)
        self._check_declared(unit, moved_roots)
        hoists = self._without_passed_forms(region.hoists, moved_roots)
        moved_ids = {id(n) for root in moved_roots for n in self.index.subtree(root)}
        self._check_moved_reads(stmts, moved_roots, moved_ids, hoists)
        keys = input_reads(
            self.index, unit, stmts, moved_roots, moved_ids, hoists, self._effect_call
        )
        if keys:  # (the parameters follow the order the code reads them in)
            hoists = sorted([*hoists, *keys], key=lambda h: self.index.line_col(h.expr))
        hoisted_ids = hoisted_nodes(self.index, hoists)
        flow = self._unit_flow(unit, hoisted_ids)
        live = flow.live_in(stmts, self.flow.live_after(unit))
        params, imports, route_names = self.flow.free_names(
            unit, moved_roots, moved_ids, hoists, live
        )
        returns = self.flow.returns(unit, moved_ids)
        self.flow.check_definite(flow, stmts, returns, {p.name for p in params})
        if unit.exits:
            returns = self._exit_returns(unit, flow, stmts, returns, params, moved_ids)
            self._check_exit_reads(unit, stmts, hoists)
        # (a value only what stays in the route's `try` after the call reads is read only when
        # the call returned)
        self.flow.check_handlers_end(unit, [n for n in returns if n in self.flow.live_after(unit)])
        _check_returned_count(returns)
        preferred, dropped = self.extract.foldable(stmts, hoists, live)
        unit.params = self.extract.all_params(moved_roots, params, hoists, preferred)
        unit.hoists = hoists
        unit.returns = returns
        if unit.exits:
            unit.exit_block = self._exit_block(unit.exits[0])
        if unit.exits and returns:
            unit.none_on_exit = self._tests_returned_value(unit, stmts)
            if not unit.none_on_exit:
                unit.status = unique("committed", self._function_names(function_node=unit.function))
        body_code = self.extract.service_body(unit, stmts, hoists, dropped)
        status = bool(unit.exits) and not unit.none_on_exit
        unit.extraction = self.extract.extraction(
            unit, body_code, imports, route_names, status, unit.none_on_exit
        )

    def _unit_statements(
        self, unit: Unit, previous_end: int, lifted: bool, allow_exits: bool
    ) -> list[cst.BaseStatement]:
        """Fix where ``unit`` starts (after input parsing and guards) and return the statements
        that move; raises ``Unmovable`` when what stays before them splits the unit of work."""
        body = unit.block.body
        start = self._movable_start(unit, lifted, allow_exits)
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
            unit.try_tail = self._try_tail(try_node, unit.commits)
        committing = _committing(stmts)
        if len(committing) == 1 and self._only_commit(self._committed_part(unit, committing[0])):
            reason = self._only_commit_reason(body, start)
            raise Unmovable(reason.id, reason)
        if allow_exits:
            unit.exits = [s for s in stmts[:-1] if isinstance(s, cst.If) and self._is_exit(s)]
            self._check_exits(unit, stmts)
        return stmts

    def _check_outer_writes(self, unit: Unit) -> None:
        """A unit inside an ``if`` (a loop, a ``with``...) whose commit also commits writes the
        route made before that statement: they would stay in the route, committed by a service
        method that does not say so (``add(department)`` before ``if form.jobs.data:``)."""
        node: cst.CSTNode = unit.block
        while True:
            parent = self.index.parent(node)
            if parent is None or parent is unit.function:
                return
            if isinstance(parent, cst.IndentedBlock):
                position = index_in(parent, node)
                floor = self._floor(parent)
                # writes before a statement that holds a unit of its own are committed by it
                boundary = max(
                    (i + 1 for i in range(floor, position) if self._holds_unit(parent.body[i])),
                    default=floor,
                )
                for index in range(boundary, position):
                    write = self._uncommitted_write(parent.body[index], database=True)
                    if write is not None:
                        holder = type(node).__name__.lower()
                        raise Unmovable(
                            R.WRITE_SPLIT_FROM_COMMIT,
                            f"{self._write_at(write)} is committed "
                            f"here, but only the body of the `{holder}` at line "
                            f"{self.index.line_col(node)[0]} could move, and its service method "
                            f"would commit that write without showing it: move the write into "
                            f"the `{holder}`, or the commit after the `{holder}`, to let them "
                            "move together",
                        )
            node = parent

    def _holds_unit(self, stmt: cst.BaseStatement) -> bool:
        """Whether ``stmt`` is, or holds, a statement of a unit of work."""
        return id(stmt) in self._owned or any(
            id(node) in self._owned for node in self.index.subtree(stmt, into_scopes=False)
        )

    def _movable_start(self, unit: Unit, lifted: bool, allow_exits: bool) -> int:
        """The first statement that moves: after input parsing and guards (and, with
        ``allow_exits``, checks that do not write), or the ``try`` itself when the statements
        before it cannot move under the route's handlers."""
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
        staying = self._staying_nodes(unit) if lifted else set()
        while True:
            while start < unit.end and (
                self._is_preparation(body[start])
                or self._unneeded_read(body, start, unit.end, staying)
                or (
                    allow_exits
                    and self._is_exit(body[start])
                    and not self._exit_writes(body[start])
                )
            ):
                start += 1
            after_form = self._past_form(body, start, unit.end)
            if after_form == start:
                return start
            start = after_form

    def _past_form(self, body: Sequence[cst.BaseStatement], start: int, end: int) -> int:
        """Past the form the route builds after looking rows up (``job = db.session.get(Job,
        job_id)``, then ``form = JobForm()``): the form is input parsing that stays in the
        route, and so do the look-ups before it, which the service then takes as values;
        likewise past a request read that may fail after a look-up that may raise (``group =
        Group.get_by_id(...)``, then ``view_only = request.json["view_only"]``): the route
        evaluates the service's arguments first, so moving the look-up would let a bad request
        fail with the read's error before the look-up raised its own. ``start`` when neither
        follows look-ups only."""
        for index in range(start, end):
            stmt = body[index]
            if index > start and (
                self._builds_form(stmt) or self._failing_read_after(stmt, body[start:index])
            ):
                return index + 1
            if not self._plain_lookup(stmt):
                return start
        return start

    def _failing_read_after(
        self, stmt: cst.BaseStatement, lookups: Sequence[cst.BaseStatement]
    ) -> bool:
        """Whether ``stmt`` is input parsing with a read that may fail, and one of ``lookups``
        may raise (its value is no ``get``, ``first``... that gives None instead)."""
        if not self._is_preparation(stmt):
            return False
        hoists = self.regions.region([stmt]).hoists
        if not any(self.regions.may_fail(h) for h in hoists):
            return False
        return any(_may_raise(lookup) for lookup in lookups)

    def _plain_lookup(self, stmt: cst.BaseStatement) -> bool:
        """Whether ``stmt`` only reads into names (``job = db.session.get(Job, job_id)``): it
        writes nothing, reads nothing of the request and calls nothing of unknown effect."""
        if _assignment_to_names(stmt) is None:
            return False
        region = self.regions.region([stmt])
        if region.writes or region.reason or region.raises or region.hoists:
            return False
        return self._effect_call(stmt, set()) is None

    def _staying_nodes(self, unit: Unit) -> set[int]:
        """The nodes (by ``id``) of the ``try`` that ends ``unit`` that stay in the route's
        ``try``: its handlers' kept parts, its body's statements after the commit, its ``else``."""
        node = unit.block.body[unit.end]
        if not isinstance(node, cst.Try):
            return set()
        staying: list[cst.CSTNode] = [s for h in node.handlers for s in self._split_handler(h)[1]]
        staying += split_try_body(node, self._try_tail(node, unit.commits))[1]
        staying += [node.orelse] if node.orelse is not None else []
        return {id(n) for root in staying for n in self.index.subtree(root)}

    def _unneeded_read(
        self, body: Sequence[cst.BaseStatement], index: int, end: int, staying: set[int]
    ) -> bool:
        """Whether ``body[index]`` is a plain read into names (``site_name = site.name``) that
        the unit's statements after it, up to ``end``, do not use (but for what stays in the
        route, ``staying``): it stays in the route, before the call, instead of moving into the
        service only to be returned."""
        stmt = body[index]
        assign = _assignment_to_names(stmt)
        if assign is None:
            return False
        names = {cast(cst.Name, target.target).value for target in assign.targets}
        if len(names) != len(assign.targets) or not all(
            type(node) in _PLAIN_READS for node in self.index.subtree(assign.value)
        ):
            return False
        region = self.regions.region([stmt])
        if region.writes or region.reason or region.hoists:
            return False
        return not any(
            type(node) is cst.Name
            and node.value in names
            and id(node) not in staying
            and not is_label(self.index, node)  # (`member.team_id` reads no `team_id`)
            for later in body[index + 1 : end + 1]
            for node in self.index.subtree(later)
        )

    def _check_declared(self, unit: Unit, moved_roots: list[cst.CSTNode]) -> None:
        """The moved code must not use a name the route declares ``global``/``nonlocal``."""
        declared = self._declared[id(unit.function)]  # see `_function_reason`
        if not declared:
            return
        for root in moved_roots:
            for node in self.index.subtree(root):
                if (
                    isinstance(node, cst.Name)
                    and node.value in declared
                    and not is_label(self.index, node)
                ):
                    raise Unmovable(
                        R.GLOBAL_NONLOCAL, f"uses `{node.value}`, declared `global`/`nonlocal`"
                    )

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

    # --- early exits inside the unit -------------------------------------------------------------------

    def _with_exits(
        self, unit: Unit, naive_start: int, previous_end: int, lifted: bool, reason: Reason
    ) -> Reason:
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
            return exc.reason if isinstance(exc, ExitUnmovable) else reason
        return NO_REASON

    # --- a commit whose writes are the `if` test around it ---------------------------------------------

    def _with_condition(self, unit: Unit, reason: Reason) -> Reason:
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
            and not self.regions.region([owner.test]).reason
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
        return NO_REASON

    def _test_writes(self, test: cst.BaseExpression) -> bool:
        """A call in an ``if`` test that may write: a function or method of the project or a
        library, not a builtin, a framework reader or a form's ``validate*()``."""
        for node in self.index.subtree(test):
            if not isinstance(node, cst.Call):
                continue
            func = node.func
            if isinstance(func, cst.Name) and self.index.is_builtin(func, BUILTINS):
                continue
            if (
                self.regions.reader_call(node) is not None
                or self.index.framework_use(func) is not None
            ):
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
        region = self.regions.region(roots)
        if region.reason:
            raise Unmovable(region.reason.id, region.reason)
        moved_ids = {id(n) for root in roots for n in self.index.subtree(root)}
        self._check_moved_reads(roots, roots, moved_ids, region.hoists)
        for hoist in region.hoists:
            if self.regions.may_fail(hoist) and any(_contains(stmt, hoist.expr) for stmt in moved):
                raise Unmovable(
                    R.READ_ONLY_WHEN_TEST_HOLDS,
                    f"reads `{code_of(hoist.expr)}` only when the test holds",
                )
        hoisted_ids = hoisted_nodes(self.index, region.hoists)
        flow = self._unit_flow(unit, hoisted_ids)
        live = flow.live_in([check], self.flow.live_after(unit))
        params, imports, route_names = self.flow.free_names(
            unit, roots, moved_ids, region.hoists, live
        )
        assigned = {
            a.name
            for a in self.flow.function_assignments(unit.function)
            if isinstance(a, Assignment) and id(a.node) in moved_ids
        }
        kept = [*check.body.body[unit.inner_end + 1 :]]
        if self.flow.returns(unit, moved_ids) or any(assigned & flow.reads(s) for s in kept):
            raise Unmovable(
                R.ROUTE_READS_TEST_VALUES, "the route reads values the moved code assigns"
            )
        unit.params = self.extract.all_params(roots, params, region.hoists, {})
        unit.returns = []
        body_code = _condition_body(check.test, moved, region.hoists)
        unit.extraction = self.extract.extraction(
            unit, body_code, imports, route_names, status=True
        )

    def _exit_start(self, block: cst.IndentedBlock, start: int, previous_end: int) -> int | None:
        """Where the unit starts when the early exits right before ``start`` join it."""
        floor = max(previous_end + 1, self._floor(block))
        if start - 1 < floor or not self._is_exit(block.body[start - 1]):
            return None
        # One exit joins the unit; an earlier one stays a check before it.
        check = block.body[start - 1]
        assert isinstance(check, cst.If)
        function = next(f for f in self.routes.enclosing(check) if isinstance(f, cst.FunctionDef))
        flow = DataFlow(self.index, function)
        tested = {name for test in if_tests(check) for name in flow.reads(test)}
        first = start - 1
        while first - 1 >= floor and not self.regions.region([block.body[first - 1]]).reason:
            first -= 1
        # The unit starts at the first write, or at what computes the values the exit tests;
        # what comes before stays in the route, where it ran before the writes anyway.
        for index in range(first, start - 1):
            stmt = block.body[index]
            if self.regions.region([stmt]).writes or _assigned_names(stmt) & tested:
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
        if not self.regions.region([stmt]).reason:
            return None
        branches = if_branches(stmt)
        if any(block is None and path[-1] != "orelse" for path, block in branches):
            return None  # a one-line body
        function = next(f for f in self.routes.enclosing(stmt) if isinstance(f, cst.FunctionDef))
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
        if self.regions.region(moved).reason or any(
            isinstance(n, cst.NamedExpr) for part in moved for n in self.index.subtree(part)
        ):
            return None
        if self._commits_in(block):
            return None
        return path, block

    def _commits_in(self, block: cst.IndentedBlock) -> bool:
        """Whether ``block`` calls ``commit()`` on a session."""
        return any(
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "commit"
            and self.index.is_session(node.func.value)
            for node in self.index.subtree(block)
        )

    def _exit_writes(self, stmt: cst.BaseStatement) -> bool:
        """Whether the moving part of an exit statement writes (``if ok: job.x = 1 else: ...``)."""
        if not isinstance(stmt, cst.If):
            return False
        found = self._exit_branch(stmt)
        return found is not None and self.regions.region(exit_moved_parts(stmt, found[1])).writes

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
                R.SEVERAL_EARLY_EXITS,
                f"more than one early exit (lines {', '.join(map(str, lines))}) between the "
                "writes and the commit: check those conditions before the first write, or keep "
                "one check there",
            )
        position = _exit_position(unit, stmts)
        for stmt in stmts[:position]:
            if any(_contains(stmt, call) for call in unit.commits):
                raise ExitUnmovable(
                    R.EARLY_EXIT_AFTER_COMMIT,
                    f"the early exit at line {lines[0]} comes after a commit of the same unit "
                    "of work: split the writes before and after that commit",
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
            for a in self.flow.function_assignments(unit.function)
            if isinstance(a, Assignment) and id(a.node) in moved_ids
        }
        body_reads = DataFlow(self.index, unit.function).reads(self._exit_block(exit_stmt))
        extra = sorted(body_reads & assigned - set(returns))
        result = [*returns, *extra]
        position = _exit_position(unit, stmts)
        bound = flow.bound_after(stmts[:position], {p.name for p in params})
        line = self.index.line_col(exit_stmt)[0]
        for name in result:
            if bound is not None and name not in bound:
                raise ExitUnmovable(
                    R.ASSIGNED_AFTER_EARLY_EXIT,
                    f"`{name}` is assigned after the early exit at line {line}, and the route "
                    "reads it after the unit of work: assign it before that check",
                )
        return result

    def _tests_returned_value(self, unit: Unit, stmts: list[cst.BaseStatement]) -> bool:
        """Whether the early exit only tests the one value the unit returns (``if not job:``,
        ``if job is None:``), in an ``if`` without ``else`` whose body does not read it, and
        nothing after the exit binds that name again: the service can then return None there,
        and the route test what it returns as before."""
        exit_stmt = unit.exits[0]
        if len(unit.returns) != 1 or exit_stmt.orelse is not None:
            return False
        name = unit.returns[0]
        if _tested_name(exit_stmt.test) != name:
            return False
        if name in DataFlow(self.index, unit.function).reads(self._exit_block(exit_stmt)):
            return False
        after = stmts[_exit_position(unit, stmts) + 1 :]
        return not any(
            isinstance(a, Assignment)
            and a.name == name
            and any(self.index.is_within(a.node, stmt) for stmt in after)
            for a in self.flow.function_assignments(unit.function)
        )

    def _check_exit_reads(
        self, unit: Unit, stmts: list[cst.BaseStatement], hoists: list[Hoist]
    ) -> None:
        """The route evaluates hoisted reads before the call: one that may fail must not come
        after the early exit, where the original route had already answered the request."""
        exit_stmt = unit.exits[0]
        position = _exit_position(unit, stmts)
        for hoist in hoists:
            after = any(_contains(stmt, hoist.expr) for stmt in stmts[position + 1 :]) or (
                _contains(exit_stmt, hoist.expr)
                and is_conditional(self.index, hoist.expr, exit_stmt)
            )
            if after and self.regions.may_fail(hoist):
                raise ExitUnmovable(
                    R.READ_AFTER_EARLY_EXIT,
                    f"reads `{code_of(hoist.expr)}` after (or beside) the early exit at line "
                    f"{self.index.line_col(exit_stmt)[0]}; the route would read it first: read "
                    "it into a variable before the unit of work",
                )

    def _function_names(self, function_node: cst.FunctionDef) -> set[str]:
        """Every name the route function binds or reads (a new local must not clash)."""
        names = {n.value for n in self.index.subtree(function_node) if isinstance(n, cst.Name)}
        return names

    def _uncommitted_write(
        self, node: cst.CSTNode, shielded: bool = False, database: bool = False
    ) -> cst.CSTNode | None:
        """The first statement in ``node`` that writes and is not part of a unit of work of its
        own (those writes are committed by that unit's commit, moved or not), and may reach the
        statements after ``node``: not in a branch that returns (see ``_returns_from``).
        ``shielded``: a ``try`` or ``with`` inside ``node`` holds it, whose handler (or context
        manager) may carry a write past a ``return`` to what follows. ``database``: not a write
        to a framework object (``flask.g.user = user``), which no commit commits."""
        if id(node) in self._owned:
            return None
        if isinstance(node, cst.SimpleStatementLine):
            region = self.regions.region([node])
            if database and (
                region.reason.id == R.FRAMEWORK_OBJECT_WRITTEN or self._sets_form_only(node)
            ):
                return None
            return node if region.writes else None
        shielded = shielded or isinstance(node, (cst.Try, cst.TryStar, cst.With))
        branches = not shielded and isinstance(node, (cst.If, cst.Else))
        for child in children(node):
            if isinstance(child, (cst.BaseExpression, cst.BaseSmallStatement)):
                if self.regions.region([child]).writes:
                    return node
                continue
            if branches and self._returns_from(child):
                continue
            found = self._uncommitted_write(child, shielded, database)
            if found is not None:
                return found
        return None

    def _sets_form_only(self, line: cst.SimpleStatementLine) -> bool:
        """Whether every assignment of ``line`` sets a field of a form the route built
        (``form.name.data = request.args.get("name")``): no commit commits that."""
        targets = [
            part
            for small in line.body
            if isinstance(small, (cst.Assign, cst.AugAssign, cst.AnnAssign))
            for part in assigned_parts(small)
        ]
        roots = [_root_name(target) for target in targets]
        return bool(roots) and all(
            root is not None and root is not target and self.regions.is_form(root)
            for root, target in zip(roots, targets, strict=True)
        )

    def _returning_nodes(self, node: cst.CSTNode, shielded: bool = False) -> set[int]:
        """The nodes (by ``id``) of ``node``'s branches that always return (``_returns_from``):
        what a call there writes never reaches the statements after ``node`` (``return
        forbidden(...)`` in a guard). Not under a ``try`` or ``with``, as ``_uncommitted_write``."""
        found: set[int] = set()
        if isinstance(node, cst.SimpleStatementLine):
            return found
        shielded = shielded or isinstance(node, (cst.Try, cst.TryStar, cst.With))
        branches = not shielded and isinstance(node, (cst.If, cst.Else))
        for child in children(node):
            if isinstance(child, (cst.BaseExpression, cst.BaseSmallStatement)):
                continue
            if branches and self._returns_from(child):
                found.update(id(n) for n in self.index.subtree(child))
            else:
                found |= self._returning_nodes(child, shielded)
        return found

    def _returns_from(self, block: cst.CSTNode) -> bool:
        """Whether the branch ``block`` always returns from the function (it ends with
        ``return`` and has no ``break`` or ``continue``): what it writes never reaches a
        statement after the ``if``."""
        if not isinstance(block, cst.IndentedBlock) or not block.body:
            return False
        last = block.body[-1]
        if not (
            isinstance(last, cst.SimpleStatementLine) and isinstance(last.body[-1], cst.Return)
        ):
            return False
        return not any(
            isinstance(node, (cst.Break, cst.Continue)) for node in self.index.subtree(block)
        )

    def _only_commit_reason(self, body: Sequence[cst.BaseStatement], start: int) -> Reason:
        """Why nothing but the commit could move, naming the statement that stops the unit."""
        stop = next(
            (i for i in range(start - 1, -1, -1) if self.regions.region([body[i]]).reason), None
        )
        if stop is None:
            return Reason(
                R.ONLY_COMMIT_MOVES,
                "only the commit itself could move: the writes it commits are not in its block "
                "(an `if` condition, an enclosing block or a previous call)",
            )
        why = self.regions.region([body[stop]]).reason
        line = self.index.line_col(body[stop])[0]
        if why.id == R.RESPONSE_IN_UNIT:
            call = why[why.index("`") : why.rindex("`") + 1]
            return Reason(
                R.RESPONSE_BEFORE_COMMIT,
                f"the route builds the response ({call} at line {line}) between the writes and "
                "the commit: the service must not build it, and building it after the commit "
                "could give a different response (the commit expires the objects it reads): "
                "build the response after the commit if that is right for this route, then run "
                "again",
            )
        return Reason(
            R.ONLY_COMMIT_MOVES,
            "only the commit itself could move: the statement at line "
            f"{line} before it {why}, "
            "and the writes it commits come before that statement (or are made by a call there): "
            "make the writes after that statement to let them move with the commit",
        )

    def _check_kept_effect(self, stmt: cst.BaseStatement) -> None:
        """A call of unknown effect that must stay in the route (``self.update_model(...)``)
        may make the writes this commit commits: the unit of work would be split."""
        why = self.regions.region([stmt]).reason
        # A compound statement stays when it reads something only on some paths (a property of
        # `self` in a loop): its calls would have moved with the unit but for that read.
        if not why or not (
            isinstance(stmt, cst.SimpleStatementLine) or why.id == R.CONDITIONAL_READ_MAY_FAIL
        ):
            return
        if why.id == R.ROUTE_LAYER_CALL:
            return  # the route layer's own helper: it stays where it is, as it did
        call = self._effect_call(stmt, self._returning_nodes(stmt))
        if call is not None and not is_guard_name(last_name(call.func)):
            raise Unmovable(
                R.KEPT_CALL_MAY_WRITE,
                f"`{code_of(call.func)}()` at line {self.index.line_col(call)[0]} may write what "
                f"this commit commits, but it must stay in the route: it {why}",
            )

    def _raise_split_write(
        self, body: Sequence[cst.BaseStatement], index: int, start: int, write: cst.CSTNode
    ) -> None:
        """Why a write before the movable part of the unit keeps the commit in the route."""
        stop = max(
            (i for i in range(index, start) if self.regions.region([body[i]]).reason),
            default=start - 1,
        )
        reason = self.regions.region([body[stop]]).reason
        why = reason or "stays in the route"
        write_at = self._write_at(write)
        stop_line = self.index.line_col(body[stop])[0]
        if stop == index and write is not body[index]:
            holder = type(body[index]).__name__.lower()
            message = (
                f"{write_at} is committed here, but the `{holder}` at line "
                f"{stop_line} that holds it also {why}"
            )
            exits = self._is_exit(body[index])  # (`if x is None: abort(404)` `else:` writes)
            if reason.id == R.FRAMEWORK_CALL and isinstance(body[index], (cst.For, cst.While)):
                # A commit per pass would end the unit of work early: a later pass that fails
                # could no longer roll the earlier ones back.
                message += (
                    "; make that call in a loop of its own before the first write (collect what "
                    "the writes need), then write and commit in the next, to let the writes move"
                )
            elif reason.id == R.FRAMEWORK_CALL and not exits:
                # The call a framework reason names is what the user has to find in the branch.
                message += (
                    "; commit in each branch that writes, before that call, to let the writes move"
                )
            elif reason.id in {R.RETURNS_EARLY, R.RAISES_HTTP_ERROR, R.FRAMEWORK_CALL}:
                kept = message if reason.id == R.FRAMEWORK_CALL else message.split(" (")[0]
                message = (
                    f"{kept}; move the commit into the branch that writes (or the early exit "
                    "out of the statement) to let it move"
                )
            elif reason.id == R.GUARD_CALL:
                message += (
                    ": make that check before the first write (a unit of work starts after the "
                    "route's checks) to let it move"
                )
            raise Unmovable(R.WRITE_SPLIT_FROM_COMMIT, message)
        if stop == index:
            raise Unmovable(R.WRITE_SPLIT_FROM_COMMIT, f"{write_at}, committed here, {why}")
        raise Unmovable(
            R.WRITE_SPLIT_FROM_COMMIT,
            f"{write_at} is committed here, but the statement at line "
            f"{stop_line} between them {why}{self._other_blockers(body, index, stop)}",
        )

    def _write_at(self, write: cst.CSTNode) -> str:
        """``the write at line N``; where the statement's only write is a session's
        ``execute()``, which may only read, the message says that backfix counts it as one."""
        line = self.index.line_col(write)[0]
        executed = self._only_executes(write)
        if not executed:
            return f"the write at line {line}"
        return (
            f"the write at line {line} (`{executed}()`, counted as one since backfix cannot tell "
            "that the statement it runs only reads)"
        )

    def _only_executes(self, statement: cst.CSTNode) -> str:
        """The ``session.execute`` a statement that writes nothing else calls ("" otherwise)."""
        if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
            return ""
        small = statement.body[0]
        if isinstance(small, cst.Assign):
            if not all(isinstance(t.target, cst.Name) for t in small.targets):
                return ""
        elif not isinstance(small, cst.Expr):
            return ""
        found = ""
        for node in self.index.subtree(small):
            if not (isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)):
                continue
            method = node.func.attr.value
            if method in SESSION_WRITES and self.index.is_session(node.func.value):
                if method != "execute":
                    return ""
                found = found or code_of(node.func)
        return found

    def _other_blockers(self, body: Sequence[cst.BaseStatement], index: int, stop: int) -> str:
        """The other statements between a write (``body[index]``) and the last one that stays
        (``body[stop]``) that stay too, for the message: all of them must go for the unit to
        move, and a user told of one at a time finds the next only on the next scan."""
        others = [
            str(self.index.line_col(body[i])[0])
            for i in range(index + 1, stop)
            if self.regions.region([body[i]]).reason
        ]
        if len(others) == 1:
            return f" (the statement at line {others[0]} stays in the route too)"
        if others:
            return f" (the statements at lines {', '.join(others)} stay in the route too)"
        return ""

    def _is_preparation(self, stmt: cst.BaseStatement) -> bool:
        """Input parsing (``data = request.get_json()``, ``form.size.data = int(form.size.data)``)
        or a guard that raises before any write: such leading statements stay in the route."""
        region = self.regions.region([stmt])
        if region.reason:
            return False
        if self._sets_form_fields(stmt, region.hoists) or self._builds_form(stmt):
            return True
        if _configures_request_parser(stmt) or assigns_input_keys(self.index, stmt):
            return True
        if region.writes:
            return False
        if region.raises:
            return True
        if not region.hoists or not isinstance(stmt, cst.SimpleStatementLine):
            return False
        hoisted = {id(h.expr) for h in region.hoists}
        for small in stmt.body:
            value = small.value if isinstance(small, (cst.Assign, cst.AnnAssign)) else None
            if value is None or not self._normalized_read(value, hoisted):
                return False
        return True

    def _normalized_read(self, value: cst.BaseExpression, hoisted: set[int]) -> bool:
        """Whether ``value`` is a framework read the route evaluates (``form.email.data``), or
        one a string method or a builtin conversion normalizes (``form.email.data.lower()``,
        ``int(request.args["page"])``): input parsing, which stays in the route."""
        if id(value) in hoisted:
            return True
        if not isinstance(value, cst.Call):
            return False
        func = value.func
        if isinstance(func, cst.Attribute) and func.attr.value in _STRING_NORMALIZERS:
            plain = all(isinstance(arg.value, cst.SimpleString) for arg in value.args)
            return plain and self._normalized_read(func.value, hoisted)
        if (
            isinstance(func, cst.Name)
            and func.value in CONVERTERS
            and self.index.is_builtin(func, BUILTINS)
            and len(value.args) == 1
            and value.args[0].keyword is None
            and not value.args[0].star
        ):
            return self._normalized_read(value.args[0].value, hoisted)
        return False

    def _builds_form(self, stmt: cst.BaseStatement) -> bool:
        """Whether ``stmt`` is ``form = JobForm(...)`` (see ``Regions.is_form``) calling nothing
        of unknown effect: the form reads the request, input parsing that stays in the route,
        which then reads the form's fields before the call."""
        if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
            return False
        small = stmt.body[0]
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
            return False
        target = small.targets[0].target
        return (
            isinstance(target, cst.Name)
            and self.regions.binds_form(target)
            and self._effect_call(stmt, set()) is None
        )

    def _sets_form_fields(self, stmt: cst.BaseStatement, hoists: list[Hoist]) -> bool:
        """Whether ``stmt`` only sets fields of a form the route built (``form.size.data =
        int(form.size.data or 0)``, also in the branches of an ``if`` or a ``try``) from values
        that call nothing of unknown effect: input parsing, which stays in the route, before the
        call that reads the fields."""
        if not self._only_form_field_sets(stmt):
            return False
        hoisted = hoisted_nodes(self.index, hoists)
        return self._effect_call(stmt, hoisted) is None

    def _only_form_field_sets(self, stmt: cst.CSTNode) -> bool:
        """Whether every statement in ``stmt`` (an ``if``/``try`` tree of them) sets form fields."""
        if isinstance(stmt, cst.If):
            return self._only_form_field_sets(stmt.body) and (
                stmt.orelse is None or self._only_form_field_sets(stmt.orelse)
            )
        if isinstance(stmt, cst.Try):
            parts: list[cst.CSTNode] = [stmt.body, *(h.body for h in stmt.handlers)]
            parts += [stmt.orelse] if stmt.orelse is not None else []
            return stmt.finalbody is None and all(map(self._only_form_field_sets, parts))
        if isinstance(stmt, cst.Else):
            return self._only_form_field_sets(stmt.body)
        if isinstance(stmt, cst.IndentedBlock):
            return all(map(self._only_form_field_sets, stmt.body))
        if not isinstance(stmt, cst.SimpleStatementLine):
            return False
        for small in stmt.body:
            if not isinstance(small, cst.Assign):
                return False
            for target in small.targets:
                field = target.target
                if not (
                    isinstance(field, cst.Attribute)
                    and field.attr.value == "data"
                    and isinstance(field.value, cst.Attribute)
                    and isinstance(field.value.value, cst.Name)
                    and self.regions.is_form(field.value.value)
                ):
                    return False
        return True

    def _committed_part(self, unit: Unit, stmt: cst.BaseStatement) -> cst.BaseStatement:
        """What of ``stmt`` would move and commit: the part of a lifted ``try`` body up to its
        commit, when that is a single statement (``try: db.session.commit()``, whose writes stay
        in the route before it); else ``stmt`` itself."""
        if unit.try_node is not stmt:
            return stmt
        moved = split_try_body(unit.try_node, unit.try_tail)[0]
        return moved[0] if len(moved) == 1 else stmt

    def _check_readds_only(self, unit: Unit, stmts: list[cst.BaseStatement]) -> None:
        """A unit that only adds rows the route loaded (``session.add(timeline)`` of
        ``timeline = Timeline.get_by_id(...)``) before its commit writes nothing itself: its
        commit commits what the route wrote before (``self._add_label(timeline, ...)``), as a
        unit that is only the commit does."""
        committing = _committing(stmts)
        if len(committing) < 2 or not self._only_commit(committing[-1]):
            return
        if all(self._adds_loaded_row(stmt) for stmt in committing[:-1]):
            reason = self._only_commit_reason(unit.block.body, unit.start)
            raise Unmovable(reason.id, reason)

    def _adds_loaded_row(self, stmt: cst.BaseStatement) -> bool:
        """Whether ``stmt`` is ``session.add(row)`` of a name the route binds only to rows it
        loads (``Job.query.get(...)``, ``session.get(Job, ...)``, ``Job.get_by_id(...)``)."""
        call = _expression_call(stmt)
        if call is None or not isinstance(call.func, cst.Attribute) or len(call.args) != 1:
            return False
        row = call.args[0].value
        if call.func.attr.value != "add" or not isinstance(row, cst.Name):
            return False
        if not self.index.is_session(call.func.value):
            return False
        referents = list(self.index.referents(row))
        return bool(referents) and all(_loads_a_row(self.index, r) for r in referents)

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
        roots: list[cst.CSTNode] = [*stmts[:-1], *split_try_body(unit.try_node, unit.try_tail)[0]]
        for split in unit.split:
            if split.handler.type is not None:
                roots.append(split.handler.type)
            if split.handler.name is not None:
                roots.append(split.handler.name)
            roots.extend(split.moved)
        return roots

    def _check_hoists(self, hoists: list[Hoist], moved_ids: set[int]) -> None:
        for hoist in hoists:
            for node in self.index.subtree(hoist.expr):
                # (a form's fields are read through the local that holds it, which the unit
                # may bind; the other roots are the framework's)
                if (node is hoist.root and hoist.use.kind != "form") or not isinstance(
                    node, cst.Name
                ):
                    continue
                for assignment in self.index.referents(node):
                    target = getattr(assignment, "node", None)
                    if target is not None and id(target) in moved_ids:
                        raise Unmovable(
                            R.READ_DEPENDS_ON_UNIT,
                            f"reads `{code_of(hoist.expr)}`, which depends on values computed "
                            "in the unit of work",
                        )

    def _check_read_order(self, stmts: Sequence[cst.CSTNode], hoists: list[Hoist]) -> None:
        """The route evaluates hoisted reads before the service call: a read that may fail
        (a malformed body, a missing key) must not come after a call that may have effects."""
        hoisted = hoisted_nodes(self.index, hoists)
        effect: cst.Call | None = None
        before_effect: Sequence[cst.CSTNode] = ()
        for position, stmt in enumerate(stmts):
            for hoist in hoists:
                if (
                    effect is not None
                    and self.regions.may_fail(hoist)
                    and not is_config_read(hoist)
                    and _contains(stmt, hoist.expr)
                    and not _read_in(before_effect, hoists, code_of(hoist.expr))
                ):
                    raise Unmovable(
                        R.READ_AFTER_EFFECT,
                        f"reads `{code_of(hoist.expr)}` after calling `{code_of(effect.func)}()`; "
                        "passed to the service, it would be read first, so if reading it fails "
                        "(a bad request, a missing key or attribute) it would fail before that "
                        "call ran, not after: if reading it first is right here (it cannot fail "
                        "there, or failing first is fine), read it into a variable before the "
                        "call and run again",
                    )
            if effect is None:
                effect = self._effect_call(stmt, hoisted)
                before_effect = stmts[: position + 1]

    def _without_passed_forms(self, hoists: list[Hoist], roots: list[cst.CSTNode]) -> list[Hoist]:
        """``hoists`` but the field reads of a form the moved code uses as a whole
        (``form.populate_obj(job)``): the service gets that form anyway, and reads its fields
        where the route did, instead of taking them beside it."""
        forms = {h.use.name for h in hoists if h.use.kind == "form"}
        if not forms:
            return hoists
        fields = hoisted_nodes(self.index, [h for h in hoists if h.use.kind == "form"])
        whole: set[str] = set()
        for root in roots:
            for node in self.index.subtree(root):
                if type(node) not in NAME_TYPES or id(node) in fields:
                    continue
                name = cast(cst.Name, node)
                if name.value not in forms or is_label(self.index, name):
                    continue
                if is_store(self.index, name):
                    return hoists  # (a form the unit builds stays a reason to keep it)
                if self._uses_whole_form(name):
                    whole.add(name.value)
        return [h for h in hoists if not (h.use.kind == "form" and h.use.name in whole)]

    def _uses_whole_form(self, name: cst.CSTNode) -> bool:
        """Whether the form ``name`` is handed on (``fill(form)``) or has a method called
        (``form.populate_obj(job)``), not only its fields read or set."""
        parent = self.index.parent(name)
        if not (isinstance(parent, cst.Attribute) and parent.value is name):
            return True
        call = self.index.parent(parent)
        return isinstance(call, cst.Call) and call.func is parent

    def _check_form_stores(self, hoists: list[Hoist], roots: list[cst.CSTNode]) -> None:
        """The route reads a form's fields before the call: the moved code must not set them."""
        forms = {code_of(h.root) for h in hoists if h.use.kind == "form"}
        for root in roots:
            for node in self.index.subtree(root):
                if (
                    type(node) in _ATTRIBUTES
                    and is_store(self.index, node)
                    and code_of(node).split(".")[0] in forms
                ):
                    raise Unmovable(
                        R.FORM_FIELD_SET,
                        f"sets `{code_of(node)}` and reads the form's fields: the route passes "
                        "their values, read before the call; set the field outside the unit of "
                        "work",
                    )

    def _effect_call(self, stmt: cst.CSTNode, hoisted: set[int]) -> cst.Call | None:
        """A call in ``stmt`` whose effects are unknown: a function of the project or a library,
        or a method of ``self`` or of an imported module (not the session, a model class, a
        builtin or a method of a local object); ``super().x()`` is a method of ``self``."""
        for found in self.index.subtree(stmt, into_scopes=False):
            # (exact types: most nodes are no call, and `isinstance` against LibCST's classes
            # costs more than the rest of the loop)
            if type(found) not in _CALLS or id(found) in hoisted:
                continue
            node = cast(cst.Call, found)
            func = node.func
            root = _call_root(func)
            if root is None or (root.value[:1].isupper() and not _class_function(func, root)):
                continue
            if func is root and root.value == "super":
                continue  # `super()` itself: the method called on it is the effect
            if form_class_method(func):  # `forms.ExploreForm.build(request)`
                continue
            if _logs(func):  # `flask.current_app.logger.error(...)`, `self.log.info(...)`
                continue
            if self.index.is_builtin(root, _EFFECTLESS_BUILTINS) or self.index.is_session(root):
                continue
            if isinstance(func, cst.Attribute) and self.index.is_session(func.value):
                continue
            if self.index.framework_use(root) is not None and root.value not in _SELF:
                continue
            if self.index.framework_use(func) is not None:  # `flask.abort()`
                continue
            referents = self.index.referents(root)
            imported = any(isinstance(r, ImportAssignment) for r in referents)
            if imported and _class_of_module(func, root):
                continue  # `models.Alias.query.get()`, as `Alias.query.get()` above
            if imported and _from_stdlib(referents):
                continue
            local_object = not imported and root.value not in {"cls", *_SELF}
            if isinstance(func, cst.Attribute) and local_object:
                continue
            return node
        return None

    def _unit_flow(self, unit: Unit, hoisted_ids: set[int]) -> DataFlow:
        """Data flow of the moved code: hoisted reads happen in the route, and the part of an
        ``except`` handler that stays in the route is a ``raise`` in the service."""
        raising = {id(split.kept[0]) for split in unit.split or [] if split.kept}
        raising |= {id(self._exit_block(e).body[0]) for e in unit.exits}
        return DataFlow(self.index, unit.function, ignore=hoisted_ids, raising=raising)


# --- helpers ----------------------------------------------------------------------------------------------

#: the names a method's calls on its own object start at
_SELF = frozenset({"self", "super"})
#: builtins whose calls write nothing (``super()`` gives ``self``, whose methods may)
_EFFECTLESS_BUILTINS = BUILTINS - {"super"}


def _logs(func: cst.BaseExpression) -> bool:
    """Whether ``func`` is a method of a logger (``app.logger.error``): it writes no row."""
    return (
        isinstance(func, cst.Attribute)
        and isinstance(func.value, cst.Attribute | cst.Name)
        and last_name(func.value).strip("_").lower() in LOGGER_NAMES
    )


def _call_root(func: cst.BaseExpression, *, subscripts: bool = True) -> cst.Name | None:
    """The name a callee's chain starts at (``hashlib`` of ``hashlib.sha512(data).hexdigest``),
    or None when it starts at something else (a literal, a lambda), or, without ``subscripts``,
    goes through one (``config["key"].get``)."""
    chain = (cst.Attribute, cst.Call, cst.Subscript) if subscripts else (cst.Attribute, cst.Call)
    while isinstance(func, chain):
        func = func.value if not isinstance(func, cst.Call) else func.func
    return func if isinstance(func, cst.Name) else None


def _class_function(func: cst.BaseExpression, root: cst.Name) -> bool:
    """Whether the callee is a function read off the class ``root`` itself
    (``Comment.from_json``): project code of unknown effect, where the class's constructor and
    its query (``Comment(...)``, ``Comment.query.get(...)``) are not."""
    return isinstance(func, cst.Attribute) and func.value is root


def _class_of_module(func: cst.BaseExpression, root: cst.Name) -> bool:
    """Whether the call ``func`` goes through a class named on the imported module ``root``
    (``models.Alias`` of ``models.Alias.query.get``, ``models.Alias(...)``), but is no function
    read off that class itself (``models.Alias.from_json``: project code of unknown effect, as
    ``Alias.from_json`` is for ``_class_function``)."""
    node = func
    while isinstance(node, (cst.Attribute, cst.Call, cst.Subscript)):
        inner = node.func if isinstance(node, cst.Call) else node.value
        if inner is root:
            named_class = isinstance(node, cst.Attribute) and node.attr.value[:1].isupper()
            return named_class and not (isinstance(func, cst.Attribute) and func.value is node)
        node = inner
    return False


def _condition_body(
    condition: cst.BaseExpression, moved: list[cst.BaseStatement], hoists: list[Hoist]
) -> str:
    """The service body of a commit whose writes are the ``if`` test around it: ``if not
    <test>: return False``, then the statements up to the commit (hoisted reads replaced)."""
    replacer = ReplaceReads({id(h.expr): h.param for h in hoists})
    test = condition.visit(replacer)
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
    return code_of(early) + "".join(code_of(stmt) for stmt in body)


#: the nodes of a plain read (``site.owner.name``, ``row["key"]``, ``job.done_at is not
#: None``): no call, nothing that writes (operators are tokens, which a subtree leaves out)
_PLAIN_READS = frozenset(
    {
        cst.Name,
        cst.Attribute,
        cst.Subscript,
        cst.SubscriptElement,
        cst.Index,
        cst.SimpleString,
        cst.Integer,
        cst.Float,
        cst.Comparison,
        cst.ComparisonTarget,
        cst.UnaryOperation,
        cst.BooleanOperation,
    }
)


def _expression_call(stmt: cst.BaseStatement) -> cst.Call | None:
    """The call of a statement that is exactly one call (``db.commit()``), awaited or not."""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return None
    expr = stmt.body[0]
    if not isinstance(expr, cst.Expr):
        return None
    value = expr.value.expression if isinstance(expr.value, cst.Await) else expr.value
    return value if isinstance(value, cst.Call) else None


#: calls that give a row the database holds (a query's terminals, look-ups)
_ROW_LOADS = frozenset(
    {"get", "get_one", "first", "one", "one_or_none", "scalar_one", "scalar_one_or_none",
     "get_or_404", "first_or_404", "one_or_404"}
)  # fmt: skip
_LOOKUP_PREFIXES = ("get_", "find_", "load_", "lookup_", "fetch_")


def _loads_a_row(index: ModuleIndex, referent: object) -> bool:
    """Whether ``referent`` (a binding) is ``name = <a call that loads a row>``."""
    value = assigned_value(index, referent)
    if isinstance(value, cst.Await):
        value = value.expression
    if not isinstance(value, cst.Call):
        return False
    called = last_name(value.func)
    return called in _ROW_LOADS or (called.startswith(_LOOKUP_PREFIXES) and "create" not in called)


def _committing(stmts: Sequence[cst.BaseStatement]) -> list[cst.BaseStatement]:
    """``stmts`` without the ``session.refresh(x)`` calls that end them: they move with the
    commit before them, but move no write."""
    committing = list(stmts)
    while len(committing) > 1 and _is_refresh(committing[-1]):
        committing.pop()
    return committing


def _is_refresh(stmt: cst.BaseStatement) -> bool:
    """Whether a statement is only a ``refresh(x)`` call (``session.refresh(job)``)."""
    call = _expression_call(stmt)
    return (
        call is not None
        and isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "refresh"
    )


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


def _read_in(stmts: Sequence[cst.CSTNode], hoists: list[Hoist], code: str) -> bool:
    """Whether ``stmts`` make the hoisted read ``code``: reading it again after them cannot
    fail where they did not."""
    return any(
        code_of(hoist.expr) == code and any(_contains(stmt, hoist.expr) for stmt in stmts)
        for hoist in hoists
    )


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
            # the module of the alias that binds the name (`import os, helpers` binds two)
            bound = str(getattr(referent, "name", "")).split(".")[0]
            module = next(
                (
                    dotted(alias.name)
                    for alias in statement.names
                    if (alias.evaluated_alias or dotted(alias.name)).split(".")[0] == bound
                ),
                "",
            )
        else:
            return False
        if module.split(".")[0] not in sys.stdlib_module_names:
            return False
    return True


#: look-ups that give None (or a list) for a missing row instead of raising
_QUIET_LOOKUPS = MAYBE_ONE | {"get", "all", "scalars", "filter_by"}


def _may_raise(lookup: cst.BaseStatement) -> bool:
    """Whether a plain look-up's value (``Group.get_by_id_and_org(...)``, ``.one()``,
    ``get_or_404``) may raise for a missing row: any call but one of ``_QUIET_LOOKUPS``."""
    assign = _assignment_to_names(lookup)
    value = assign.value if assign is not None else None
    return isinstance(value, cst.Call) and last_name(value.func) not in _QUIET_LOOKUPS


def _assignment_to_names(stmt: cst.BaseStatement) -> cst.Assign | None:
    """The assignment of a line that is one assignment to plain names (``job = ...``, ``a = b =
    ...``); None for anything else."""
    if not (type(stmt) is cst.SimpleStatementLine and len(stmt.body) == 1):
        return None
    assign = stmt.body[0]
    if type(assign) is not cst.Assign:
        return None
    return assign if all(type(t.target) is cst.Name for t in assign.targets) else None


def _root_name(node: cst.CSTNode) -> cst.Name | None:
    """``form`` of ``form.name.data``; None when the chain does not start at a name."""
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node if isinstance(node, cst.Name) else None


#: the methods that declare what a request parser reads (Flask-RESTful's ``RequestParser``)
_PARSER_ARGUMENTS = frozenset({"add_argument", "replace_argument", "remove_argument"})


def _configures_request_parser(stmt: cst.BaseStatement) -> bool:
    """Whether ``stmt`` builds a request parser (``parser = reqparse.RequestParser()``) or
    declares what it reads (``self.reqparse.add_argument("name", location="json")``): input
    parsing, which stays in the route with the ``parse_args()`` that follows."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return False
    small = stmt.body[0]
    if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call):
        func = small.value.func
        return isinstance(func, cst.Attribute) and func.attr.value in _PARSER_ARGUMENTS
    return (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and isinstance(small.value, cst.Call)
        and last_name(small.value.func) == "RequestParser"
    )


def _exit_position(unit: Unit, stmts: list[cst.BaseStatement]) -> int:
    """Where the unit's early exit stands among its moved statements ``stmts``."""
    return next(i for i, s in enumerate(stmts) if s is unit.exits[0])


def _tested_name(test: cst.BaseExpression) -> str:
    """The name ``test`` checks for a missing value: ``x`` of ``not x`` and ``x is None``;
    "" for any other test."""
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        return test.expression.value if isinstance(test.expression, cst.Name) else ""
    if (
        isinstance(test, cst.Comparison)
        and isinstance(test.left, cst.Name)
        and len(test.comparisons) == 1
        and isinstance(test.comparisons[0].operator, cst.Is)
        and isinstance(test.comparisons[0].comparator, cst.Name)
        and test.comparisons[0].comparator.value == "None"
    ):
        return test.left.value
    return ""


#: the most values a service method returns to its route: more is no method's API
MAX_RETURNED = 4


def _check_returned_count(returns: list[str]) -> None:
    """Raise ``Unmovable`` when the route reads more values the moved code assigns than a
    method should return."""
    if len(returns) > MAX_RETURNED:
        names = ", ".join(f"`{name}`" for name in returns)
        raise Unmovable(
            R.TOO_MANY_RETURNED,
            f"the route reads {len(returns)} values the moved code assigns ({names}), which a "
            "service method would return as one tuple: move the code that reads them into the "
            f"unit of work, or make fewer of them outlive it (at most {MAX_RETURNED}), then run "
            "again",
        )
