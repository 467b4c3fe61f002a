"""What an existing module binds at top level: imported names (with their import) and definitions."""

from __future__ import annotations

import libcst as cst

from .analyze import Analyzer
from .syntax import code_of


def module_bindings(module: cst.Module, analyzer: Analyzer) -> tuple[set[str], dict[str, str]]:
    """Names bound at module level, and for imported ones their single-name import statement."""
    scope = analyzer.index.scopes.get(module)
    names = {assignment.name for assignment in scope.assignments} if scope is not None else set()
    bound, _methods, _ok = service_bindings(module, "")
    return names, {name: code for name, code in bound.items() if code is not None}


def service_bindings(
    module: cst.Module, class_name: str
) -> tuple[dict[str, str | None], set[str], bool]:
    """Module-level names of an existing service (import statement or None), the methods of
    ``class_name`` there, and whether that name is free or a class we can extend."""
    bound: dict[str, str | None] = {}
    methods: set[str] = set()
    class_ok = True
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                bound.update(_small_bindings(small))
        elif isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            bound[stmt.name.value] = None
            if isinstance(stmt, cst.ClassDef) and stmt.name.value == class_name:
                class_methods = _class_methods(stmt)
                if class_methods is None:
                    class_ok = False
                    continue
                methods |= class_methods
    if class_name in bound and class_name not in {
        s.name.value for s in module.body if isinstance(s, cst.ClassDef)
    }:
        class_ok = False
    return bound, methods, class_ok


def _small_bindings(small: cst.BaseSmallStatement) -> dict[str, str | None]:
    """Names one top-level small statement binds: imports with their statement, assignments."""
    bound: dict[str, str | None] = {}
    if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
        small.names, cst.ImportStar
    ):
        for alias in small.names:
            name = alias.evaluated_alias or code_of(alias.name).split(".")[0]
            bound[name] = _single_import(small, alias)
    elif isinstance(small, (cst.Assign, cst.AnnAssign)):
        targets = (
            [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
        )
        for target in targets:
            if isinstance(target, cst.Name):
                bound[target.value] = None
    return bound


def _class_methods(node: cst.ClassDef) -> set[str] | None:
    """Methods and class attributes of ``node``; None for a one-line class body."""
    if not isinstance(node.body, cst.IndentedBlock):
        return None
    methods: set[str] = set()
    for inner in node.body.body:
        if isinstance(inner, cst.FunctionDef):
            methods.add(inner.name.value)
        elif isinstance(inner, cst.SimpleStatementLine):
            for small in inner.body:
                if isinstance(small, cst.Assign):
                    methods.update(
                        t.target.value for t in small.targets if isinstance(t.target, cst.Name)
                    )
    return methods


def _single_import(statement: cst.Import | cst.ImportFrom, alias: cst.ImportAlias) -> str:
    alias_code = f" as {alias.evaluated_alias}" if alias.evaluated_alias else ""
    if isinstance(statement, cst.Import):
        return f"import {code_of(alias.name)}{alias_code}"
    module = code_of(statement.module) if statement.module is not None else ""
    dots = "." * len(statement.relative)
    return f"from {dots}{module} import {code_of(alias.name)}{alias_code}"
