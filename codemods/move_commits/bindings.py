"""What an existing module binds at top level: imported names (with their import) and definitions."""

from __future__ import annotations

import ast
import re

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


#: the line breaks of Python's tokenizer, which `ast` line numbers count
_LINE_BREAKS = re.compile(r"\r\n|\r|\n")


def service_bindings_from_ast(
    tree: ast.Module, text: str, class_name: str
) -> tuple[dict[str, str | None], set[str], bool]:
    """:func:`service_bindings` read from the `ast` tree of the module's ``text`` (the plan reads
    an existing service module without parsing it with LibCST; a test compares both)."""
    bound: dict[str, str | None] = {}
    methods: set[str] = set()
    class_ok = True
    lines = _LINE_BREAKS.split(text)
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom, ast.Assign, ast.AnnAssign)):
            bound.update(_ast_bindings(stmt))
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound[stmt.name] = None
            if isinstance(stmt, ast.ClassDef) and stmt.name == class_name:
                class_methods = _ast_class_methods(stmt, lines)
                if class_methods is None:
                    class_ok = False
                    continue
                methods |= class_methods
    if class_name in bound and class_name not in {
        s.name for s in tree.body if isinstance(s, ast.ClassDef)
    }:
        class_ok = False
    return bound, methods, class_ok


def _ast_bindings(stmt: ast.stmt) -> dict[str, str | None]:
    """:func:`_small_bindings` of one top-level `ast` statement."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        bound: dict[str, str | None] = {}
        for alias in stmt.names:
            if alias.name == "*":
                return {}
            name = alias.asname or alias.name.split(".")[0]
            alias_code = f" as {alias.asname}" if alias.asname else ""
            if isinstance(stmt, ast.Import):
                bound[name] = f"import {alias.name}{alias_code}"
            else:
                module = f"{'.' * stmt.level}{stmt.module or ''}"
                bound[name] = f"from {module} import {alias.name}{alias_code}"
        return bound
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    return {target.id: None for target in targets if isinstance(target, ast.Name)}


def _ast_class_methods(node: ast.ClassDef, lines: list[str]) -> set[str] | None:
    """:func:`_class_methods` of an `ast` class: None for a body on the line of its header."""
    first = node.body[0]
    line = lines[first.lineno - 1].encode() if first.lineno <= len(lines) else b""
    if line[: first.col_offset].strip():
        return None
    methods: set[str] = set()
    for inner in node.body:
        if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)):
            methods.add(inner.name)
        elif isinstance(inner, ast.Assign):
            methods.update(t.id for t in inner.targets if isinstance(t, ast.Name))
    return methods
