"""The rewrite: a client's assignment becomes a cached getter, and every use calls it."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path

import libcst as cst

from backfix.docstring_rules import requires_docstring
from backfix.imports import add_import, first_party_packages, is_imported, names_sorted, sort_names

from .analyze import candidate_statements
from .blocks import Block, block_candidates
from .model import FileEdits, Getter, Origin
from .naming import local_getter
from .references import ModuleIndex

Replace = Callable[[cst.CSTNode], cst.CSTNode]


def rewrite_module(module: cst.Module, edits: FileEdits, abs_path: str, root: Path) -> cst.Module:
    """Apply one file's edits (see :class:`FileEdits`)."""
    # A copy, as a metadata wrapper would make: a tree an earlier rewrite built may hold a node
    # twice, and the replacements are found by node.
    index = ModuleIndex(module.deep_clone())
    replacements: dict[int, Replace] = {}
    documented = requires_docstring(Path(abs_path).parent, root, "function")
    for getter in edits.getters:
        if documented:
            getter = dataclasses.replace(getter, docstring=getter_docstring(getter))
        _define(index, getter, replacements)
    _use_imports(index, edits.uses, replacements)
    new = index.module.visit(_Replacer(replacements))
    assert isinstance(new, cst.Module)
    if edits.getters and not is_imported(new, "functools"):
        new = add_import(
            new, "functools", root=root, first_party=first_party_packages(abs_path, root)
        )
    return _space_defs(new, {g.getter for g in edits.getters})


def _define(
    index: ModuleIndex,
    getter: Getter,
    replacements: dict[int, Replace],
) -> None:
    for stmt, name, _ in candidate_statements(index.module):
        if name == getter.name:
            replacements[id(stmt)] = _definition(getter)
    block = next((c.block for c in block_candidates(index.module) if c.name == getter.name), None)
    if block is not None:
        replacements[id(block)] = _block_definition(getter)
    for ref in index.global_refs(getter.name):
        # inside the block that becomes the getter's body, the name is the getter's local
        if block is None or not index.within(ref.chain[0], block):
            replacements[id(ref.chain[0])] = _call_of(getter.getter)


def _definition(getter: Getter) -> Replace:
    def replace(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.SimpleStatementLine)
        small = node.body[0]
        assert isinstance(small, (cst.Assign, cst.AnnAssign)) and small.value is not None
        body = cst.SimpleStatementLine(
            body=[cst.Return(value=small.value)], trailing_whitespace=node.trailing_whitespace
        )
        return _getter_def([body], node.leading_lines, getter)

    return replace


def _block_definition(getter: Getter) -> Replace:
    """The ``if``/``try`` block, unchanged, as the getter's body, then ``return <name>``."""

    def replace(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, Block)
        returns = cst.SimpleStatementLine(body=[cst.Return(value=cst.Name(getter.name))])
        return _getter_def(
            [node.with_changes(leading_lines=()), returns], node.leading_lines, getter
        )

    return replace


def _getter_def(
    body: Sequence[cst.BaseStatement], leading_lines: Sequence[cst.EmptyLine], getter: Getter
) -> cst.FunctionDef:
    decorator = cst.Decorator(decorator=cst.parse_expression(getter.cache_call))
    returns = cst.Annotation(cst.parse_expression(getter.annotation)) if getter.annotation else None
    if getter.docstring:
        docstring = cst.SimpleStatementLine(
            [cst.Expr(cst.SimpleString(f'"""{getter.docstring}"""'))]
        )
        body = [docstring, *body]
    return cst.FunctionDef(
        name=cst.Name(getter.getter),
        params=cst.Parameters(),
        body=cst.IndentedBlock(body=body),
        decorators=[decorator],
        returns=returns,
        leading_lines=leading_lines,
    )


def getter_docstring(getter: Getter) -> str:
    """What the getter of ``redis_client`` says it does."""
    return f"Return ``{getter.name}``, built at its first use and cached."


def _call_of(getter: str) -> Replace:
    def replace(node: cst.CSTNode) -> cst.CSTNode:
        return cst.Call(func=cst.Name(getter))

    return replace


def _attribute_call(getter: str) -> Replace:
    def replace(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.Attribute)
        return cst.Call(func=node.with_changes(attr=cst.Name(getter)))

    return replace


def _use_imports(
    index: ModuleIndex,
    uses: dict[tuple[Origin, tuple[str, ...]], str],
    replacements: dict[int, Replace],
) -> None:
    for origin, _, ref in index.import_refs():
        for (wanted, attrs), getter in uses.items():
            if wanted != origin or ref.attrs[: len(attrs)] != attrs:
                continue
            if attrs:
                replacements[id(ref.chain[len(attrs)])] = _attribute_call(getter)
            else:
                replacements[id(ref.chain[0])] = _call_of(local_getter(ref.local, getter))
    renames = {origin: getter for (origin, attrs), getter in uses.items() if not attrs}
    for node in _import_froms(index.module):
        for alias in node.names if isinstance(node.names, tuple | list) else ():
            origin = _alias_origin(node, alias)
            if origin in renames:
                replacements[id(alias)] = _renamed_alias(renames[origin])
                if names_sorted(node):
                    replacements[id(node)] = _sorted_names


def _import_froms(module: cst.Module) -> list[cst.ImportFrom]:
    found: list[cst.ImportFrom] = []

    class Finder(cst.CSTVisitor):
        def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
            found.append(node)

    module.visit(Finder())
    return found


def _alias_origin(node: cst.ImportFrom, alias: cst.ImportAlias) -> Origin:
    module = cst.Module(body=[]).code_for_node(node.module) if node.module is not None else ""
    return (len(node.relative), module, (cst.Module(body=[]).code_for_node(alias.name),))


def _sorted_names(node: cst.CSTNode) -> cst.CSTNode:
    """An import whose names were in isort's order stays so after a rename (``statsd_client``
    → ``get_statsd_client`` moves to the front)."""
    assert isinstance(node, cst.ImportFrom)
    return sort_names(node)


def _renamed_alias(getter: str) -> Replace:
    def replace(node: cst.CSTNode) -> cst.CSTNode:
        assert isinstance(node, cst.ImportAlias)
        asname = node.asname
        if asname is not None and isinstance(asname.name, cst.Name):
            local = local_getter(asname.name.value, getter)
            asname = None if local == getter else asname.with_changes(name=cst.Name(local))
        return node.with_changes(name=cst.Name(getter), asname=asname)

    return replace


class _Replacer(cst.CSTTransformer):
    """Replaces nodes by identity of the original (the index's tree)."""

    def __init__(self, replacements: dict[int, Replace]) -> None:
        self.replacements = replacements

    def on_leave(  # type: ignore[override]
        self, original_node: cst.CSTNode, updated_node: cst.CSTNode
    ) -> cst.CSTNode:
        """The replacement of ``original_node``, built from its updated children."""
        replace = self.replacements.get(id(original_node))
        return replace(updated_node) if replace is not None else updated_node


def _space_defs(module: cst.Module, getters: set[str]) -> cst.Module:
    """Two blank lines around each new top-level getter, as PEP 8 and the formatters want."""
    body = list(module.body)
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value in getters:
            if i > 0:
                body[i] = _blank_lines_before(stmt, 2)
            if i + 1 < len(body):
                body[i + 1] = _blank_lines_before(body[i + 1], 2)
    return module.with_changes(body=body)


def _blank_lines_before(
    stmt: cst.SimpleStatementLine | cst.BaseCompoundStatement, count: int
) -> cst.SimpleStatementLine | cst.BaseCompoundStatement:
    lines = list(stmt.leading_lines)
    blanks = 0
    while blanks < len(lines) and lines[blanks].comment is None:
        blanks += 1
    if blanks >= count:
        return stmt
    extra = [cst.EmptyLine()] * (count - blanks)
    return stmt.with_changes(leading_lines=[*extra, *lines])
