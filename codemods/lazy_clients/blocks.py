"""Clients built inside a module-level ``if``/``try`` block, and every name such a block binds.

``try: redis_client = redis.Redis.from_url(...)`` / ``except RedisError: redis_client = None`` runs
at import time like a plain assignment does. The whole block can become the getter's body (``return
redis_client`` after it) only when the client is the one name it binds: any other name (an import,
a helper variable, a function) would stop being a module-level name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from backfix.cst_utils import dotted

Block = cst.If | cst.Try


@dataclass
class BlockAssignments:
    """One name assigned in a block: the statements assigning it a call, and every value."""

    #: ``name = <call>`` lines, in source order, with their call
    calls: list[tuple[cst.SimpleStatementLine, cst.Call]] = field(default_factory=list)
    #: every value assigned to the name (None: a binding without a plain value, e.g. ``+=``)
    values: list[cst.BaseExpression | None] = field(default_factory=list)


@dataclass
class BlockCandidate:
    """A name assigned a call inside one module-level block, and the other names the block binds."""

    block: Block
    name: str
    assignments: BlockAssignments
    others: tuple[str, ...]

    @property
    def keyword(self) -> str:
        """``if`` or ``try``, as the block starts."""
        return "if" if isinstance(self.block, cst.If) else "try"


def block_candidates(module: cst.Module) -> list[BlockCandidate]:
    """Every name assigned a call inside a top-level ``if``/``try`` (never ``if __name__ ==``)."""
    found: list[BlockCandidate] = []
    for stmt in module.body:
        if not isinstance(stmt, (cst.If, cst.Try)) or _is_main_guard(stmt):
            continue
        bindings = _Bindings()
        stmt.visit(bindings)
        for name, assignments in bindings.names.items():
            if assignments.calls:
                others = tuple(n for n in bindings.names if n != name)
                found.append(BlockCandidate(stmt, name, assignments, others))
    return found


def _is_main_guard(stmt: cst.BaseCompoundStatement) -> bool:
    """``if __name__ == "__main__":`` runs when the file is a script, never at import."""
    if not isinstance(stmt, cst.If) or not isinstance(stmt.test, cst.Comparison):
        return False
    test = stmt.test
    return dotted(test.left) == "__name__" and any(
        isinstance(c.comparator, cst.SimpleString) and "__main__" in c.comparator.value
        for c in test.comparisons
    )


class _Bindings(cst.CSTVisitor):
    """The names a block binds in the module's scope (not inside functions, classes, lambdas)."""

    def __init__(self) -> None:
        self.names: dict[str, BlockAssignments] = {}
        self.line: cst.SimpleStatementLine | None = None

    def _bind(self, target: cst.BaseExpression, value: cst.BaseExpression | None) -> None:
        if isinstance(target, cst.Name):
            self.names.setdefault(target.value, BlockAssignments()).values.append(value)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, None)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, None)

    def _bind_name(self, name: str) -> None:
        self.names.setdefault(name, BlockAssignments()).values.append(None)

    def visit_SimpleStatementLine(self, node: cst.SimpleStatementLine) -> None:
        self.line = node

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._bind(target.target, node.value if len(node.targets) == 1 else None)
        only = node.targets[0].target if len(node.targets) == 1 else None
        if isinstance(only, cst.Name) and isinstance(node.value, cst.Call) and self.line:
            self.names[only.value].calls.append((self.line, node.value))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._bind(node.target, node.value)
        if isinstance(node.target, cst.Name) and isinstance(node.value, cst.Call) and self.line:
            self.names[node.target.value].calls.append((self.line, node.value))

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._bind(node.target, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._bind(node.target, None)

    def visit_For(self, node: cst.For) -> None:
        self._bind(node.target, None)

    # ``except E as e`` is not bound: Python unbinds ``e`` when the handler ends

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._bind(node.asname.name, None)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            local = alias.asname.name if alias.asname is not None else alias.name
            self._bind_name(dotted(local).split(".")[0])

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if isinstance(node.names, cst.ImportStar):
            self._bind_name("*")
            return
        for alias in node.names:
            local = alias.asname.name if alias.asname is not None else alias.name
            self._bind_name(dotted(local))

    def visit_Global(self, node: cst.Global) -> None:
        for item in node.names:
            self._bind_name(item.name.value)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind_name(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind_name(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False
