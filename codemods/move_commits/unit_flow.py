"""Data flow of a unit of work: its parameters, the imports it needs and its return values."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import libcst as cst
from libcst.metadata import Assignment, BuiltinAssignment, ImportAssignment

from . import reasons as R
from .dataflow import DataFlow
from .frameworks import ModuleIndex
from .model import ImportNeed, Param
from .module_nodes import NAME_TYPES
from .naming import BUILTINS
from .syntax import code_of, is_bare_raise
from .types import import_need
from .units import Hoist, Unit, Unmovable, hoisted_nodes


class UnitFlow:
    """Parameters and return values of the units of one module, from its scopes and data flow."""

    def __init__(
        self,
        index: ModuleIndex,
        module: cst.Module,
        reads_route_layer: Callable[[str, Sequence[object]], bool] = lambda name, referents: False,
    ) -> None:
        self.index = index
        self.module = module
        #: whether a name's referents import it from the route layer (see RegionClassifier)
        self.reads_route_layer = reads_route_layer
        self._route_flows: dict[int, DataFlow] = {}

    def free_names(
        self,
        unit: Unit,
        roots: list[cst.CSTNode],
        moved_ids: set[int],
        hoists: list[Hoist],
        live: set[str],
    ) -> tuple[list[Param], list[ImportNeed], set[str]]:
        """Parameters (names the moved code may read before assigning them, which the route
        has bound), imports it needs, and the route's imports it uses."""
        hoisted_ids = hoisted_nodes(self.index, hoists)
        function_scope = self.index.scope_of(unit.function.body.body[0])
        route_bound: set[str] | None = None
        params: list[Param] = []
        imports: dict[str, ImportNeed] = {}
        route_names: set[str] = set()
        seen: set[str] = set()
        for root in roots:
            for node in self.index.subtree(root):
                if type(node) not in NAME_TYPES or id(node) in hoisted_ids:
                    continue
                node = cast(cst.Name, node)
                access = self.index.accesses.get(id(node))
                # `a.b` of `import a.b` and `a.c` of `import a.c` are two imports of one name
                key = node.value if access is None or access.node is node else code_of(access.node)
                if access is None or key in seen:
                    continue
                outside = _outside_referents(node, list(access.referents), moved_ids)
                if not outside:
                    continue
                seen.add(key)
                if all(isinstance(r, ImportAssignment) for r in outside):
                    need = self._import_need(node.value, outside, function_scope)
                    if (
                        need is not None
                        and not need.local
                        and self.reads_route_layer(node.value, outside)
                    ):
                        # `logger` of `from ..views import logger`: a service must not import
                        # the route layer, so the route passes it, as it passes its own globals
                        params.append(Param(node.value, node.value))
                        continue
                    if need is not None:
                        imports[key] = need
                        if not need.local:
                            route_names |= _imported_names(need)
                        continue
                if any(isinstance(r, Assignment) and r.scope is function_scope for r in outside):
                    if node.value not in live:
                        continue  # assigned before it is read: a local of the moved code
                    if route_bound is None:
                        route_bound = DataFlow(self.index, unit.function).bound_at(
                            unit.block, unit.start
                        )
                    if node.value not in route_bound:
                        raise Unmovable(R.MAYBE_UNBOUND, self._unbound_reason(unit, node.value))
                alias = self._module_alias(node.value, outside)
                if alias is not None:
                    imports[node.value] = alias
                    continue
                params.append(Param(node.value, node.value))
        return params, list(imports.values()), route_names

    def _unbound_reason(self, unit: Unit, name: str) -> str:
        line = self.index.line_col(unit.block.body[unit.start])[0]
        return (
            f"the moved code may read `{name}` before assigning it, and the route does not "
            f"assign `{name}` on every path before line {line} (a loop that may not run or a "
            "branch not taken): give it a value on every path first"
        )

    def live_after(self, unit: Unit) -> set[str]:
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
        global_scope = self.index.module_scope
        if not local and assignment.scope is not global_scope:
            return None
        if len({id(r.node) for r in referents if isinstance(r, Assignment)}) != 1:
            return _package_import(name, referents, local)
        if assignment.name.startswith(f"{name}."):  # `import a.b` for a read of `a.b.f`
            return ImportNeed(name, "", assignment.name, None, 0, local)
        return import_need(name, statement, local)

    def _module_alias(self, name: str, referents: Sequence[object]) -> ImportNeed | None:
        """``db`` of the route module's ``db = models.db`` (``models`` imported at the top, not
        from the route layer): the service imports it as ``from app.models import db`` rather
        than taking it as a parameter. The plan checks that ``app.models`` is a module."""
        global_scope = self.index.module_scope
        assignment = referents[0] if len(referents) == 1 else None
        if not isinstance(assignment, Assignment) or assignment.scope is not global_scope:
            return None
        holder = self.index.parent(assignment.node)
        assign = self.index.parent(holder) if isinstance(holder, cst.AssignTarget) else None
        if not isinstance(assign, cst.Assign) or len(assign.targets) != 1:
            return None
        value = assign.value
        if not (isinstance(value, cst.Attribute) and isinstance(value.value, cst.Name)):
            return None
        owner = list(self.index.referents(value.value))
        if len(owner) != 1 or not isinstance(owner[0], ImportAssignment):
            return None
        need = import_need(value.value.value, owner[0].node)
        if (
            need is None
            or owner[0].scope is not global_scope
            or self.reads_route_layer(need.name, owner)
        ):
            return None
        module = f"{need.module}.{need.imported}" if need.module else need.imported
        attribute = value.attr.value
        asname = name if name != attribute else None
        return ImportNeed(name, module, attribute, asname, need.level, via=code_of(value))

    def returns(self, unit: Unit, moved_ids: set[int]) -> list[str]:
        """Names the moved code assigns that the route may read afterwards."""
        live_after = self.live_after(unit)
        kept_ids = {
            id(n)
            for split in unit.split or []
            for stmt in split.kept
            for n in self.index.subtree(stmt)
        }
        # what stays in the route's `try` after the call reads what the call returns
        after_ids = {id(n) for stmt in unit.kept_after() for n in self.index.subtree(stmt)}
        names: list[str] = []
        for scope_owner in [unit.function.body.body[0]]:
            scope = self.index.scope_of(scope_owner)
            if scope is None:
                continue
            for assignment in scope.assignments:
                if not isinstance(assignment, Assignment) or id(assignment.node) not in moved_ids:
                    continue
                if self._handler_binding(assignment.node):
                    continue  # `except ... as e`: the route's handler binds its own `e`
                if assignment.name in names:
                    continue
                read_after = False
                for access in assignment.references:
                    if not self.index.is_within(access.node, unit.function):
                        continue
                    if id(access.node) in kept_ids:
                        raise Unmovable(
                            R.HANDLER_READS_MOVED_VALUE,
                            f"the `except` handler that stays in the route reads `{assignment.name}`",
                        )
                    read_after = read_after or id(access.node) in after_ids
                if assignment.name in live_after or read_after:
                    names.append(assignment.name)
        if not names:
            return names
        order: dict[str, int] = {}
        for stmt in unit.block.body[unit.start : unit.end + 1]:
            for node in self.index.subtree(stmt):
                if isinstance(node, cst.Name) and node.value in names and node.value not in order:
                    order[node.value] = len(order)
        return sorted(names, key=lambda n: order.get(n, len(order)))

    def _handler_binding(self, node: cst.CSTNode) -> bool:
        """Whether ``node`` is the name an ``except ... as name`` binds."""
        as_name = self.index.parent(node)
        return isinstance(as_name, cst.AsName) and isinstance(
            self.index.parent(as_name), cst.ExceptHandler
        )

    def check_definite(
        self, flow: DataFlow, stmts: list[cst.BaseStatement], returns: list[str], params: set[str]
    ) -> None:
        bound = flow.bound_after(stmts, set(params))
        for name in returns:
            if bound is not None and name not in bound:
                raise Unmovable(
                    R.ASSIGNED_ON_SOME_PATHS,
                    f"`{name}` is assigned only on some paths through the moved code but the "
                    "route reads it afterwards",
                )

    def check_handlers_end(self, unit: Unit, returns: list[str]) -> None:
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
                    R.HANDLER_CONTINUES,
                    "the `except` handler that stays in the route goes on after the error, "
                    f"and the route then reads `{returns[0]}`, which the moved code assigns",
                )

    def function_assignments(self, function: cst.FunctionDef) -> list[object]:
        assert isinstance(function.body, cst.IndentedBlock)
        scope = self.index.scope_of(function.body.body[0])
        return list(scope.assignments) if scope is not None else []


def _imported_names(need: ImportNeed) -> set[str]:
    """The names the route module's import of ``need`` binds that the moved code read: its
    name, and the ``a.b`` of ``import a.b`` (the rewrite drops that statement when nothing reads
    ``a.b`` any more, whatever else reads ``a``)."""
    if not need.module and "." in need.imported:
        return {need.name, need.imported}
    return {need.name}


def _package_import(name: str, referents: Sequence[object], local: bool) -> ImportNeed | None:
    """The import that binds package ``name`` for a read of ``name.x`` where several statements
    bind it (``import app`` and ``import app.db``, each binding ``app``): the plain ``import app``
    where there is one, else the first; None where one of them is no plain module import."""
    needs = [
        import_need(name, r.node, local) if isinstance(r, ImportAssignment) else None
        for r in referents
    ]
    if not needs or any(n is None or n.module or n.asname or n.level for n in needs):
        return None
    found = [n for n in needs if n is not None]
    return next((n for n in found if n.imported == name), found[0])


def _outside_referents(
    node: cst.Name, referents: list[object], moved_ids: set[int]
) -> list[object]:
    """The bindings of ``node`` outside the moved code (none for a builtin)."""
    if not referents:
        if node.value in BUILTINS or node.value in {"__name__", "__file__"}:
            return []
        raise Unmovable(
            R.NAME_NOT_DEFINED, f"`{node.value}` is not defined where it is read (a `*` import?)"
        )
    if all(isinstance(r, BuiltinAssignment) for r in referents):
        return []
    return [r for r in referents if not (isinstance(r, Assignment) and id(r.node) in moved_ids)]
