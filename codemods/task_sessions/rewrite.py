"""The rewrite: drop the session argument at each call, and let each task open its own session."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from backfix.imports import ImportSpec, add_imports, first_party_packages, project_root
from backfix.source import SourceFile
from backfix.templating import render

from ..bare_except.rewrite import add_logger, logger_site
from .model import DropArgument, FileEdits, TaskFix
from .settled import APPEND, commit_state, statements

TEMPLATE = "task-sessions/own_session.py.j2"


def without_argument(call: cst.Call, drop: DropArgument) -> cst.Call:
    """``call`` without the argument ``drop`` names; the commas around it stay well-formed."""
    if drop.within:
        return _without_packed(call, drop)
    args = list(call.args)
    if drop.keyword is not None:
        position = next(
            (
                i
                for i, a in enumerate(args)
                if a.keyword is not None and a.keyword.value == drop.keyword
            ),
            None,
        )
    else:
        position = drop.index
    if position is None or position >= len(args):
        return call
    removed = args.pop(position)
    if position == len(args) and args:
        # the last argument owns the comma and the whitespace before `)`
        args[-1] = args[-1].with_changes(
            comma=removed.comma, whitespace_after_arg=removed.whitespace_after_arg
        )
    return call.with_changes(args=args)


def _without_packed(call: cst.Call, drop: DropArgument) -> cst.Call:
    """A thread's ``args=(..., db)`` / ``kwargs={"db": db}`` without the session; the keyword
    argument goes when nothing is left in it."""
    args = list(call.args)
    position = next(
        (i for i, a in enumerate(args) if a.keyword is not None and a.keyword.value == drop.within),
        None,
    )
    if position is None:
        return call
    holder = args[position].value
    if not isinstance(holder, (cst.Tuple, cst.List, cst.Dict)):
        return call
    elements = list(holder.elements)
    at = drop.index if drop.keyword is None else _entry_position(elements, drop.keyword)
    if at is None or at >= len(elements):
        return call
    removed = elements.pop(at)
    if not elements:
        return without_argument(call, DropArgument(drop.line, drop.col, None, drop.within))
    if at == len(elements):
        elements[-1] = elements[-1].with_changes(comma=removed.comma)
    single = isinstance(holder, cst.Tuple) and len(elements) == 1
    if single and not isinstance(elements[0].comma, cst.Comma):
        elements[0] = elements[0].with_changes(comma=cst.Comma())  # `(a,)` stays a tuple
    smaller = holder.with_changes(elements=elements)
    args[position] = args[position].with_changes(value=smaller)
    return call.with_changes(args=args)


def _entry_position(elements: Sequence[cst.CSTNode], key: str) -> int | None:
    for position, element in enumerate(elements):
        if (
            isinstance(element, cst.DictElement)
            and isinstance(element.key, cst.SimpleString)
            and element.key.evaluated_value == key
        ):
            return position
    return None


def without_param(params: cst.Parameters, name: str) -> cst.Parameters:
    """``params`` without the parameter ``name``, keeping the commas and layout of the others."""
    groups = {
        "posonly_params": list(params.posonly_params),
        "params": list(params.params),
        "kwonly_params": list(params.kwonly_params),
    }
    for key, group in groups.items():
        for position, param in enumerate(group):
            if param.name.value != name:
                continue
            group.pop(position)
            if position == len(group) and group and _is_last(params, key):
                group[-1] = group[-1].with_changes(
                    comma=param.comma, whitespace_after_param=param.whitespace_after_param
                )
            if key == "kwonly_params" and not group and isinstance(params.star_arg, cst.ParamStar):
                return _without_bare_star(params, param)
            return params.with_changes(**{key: group})
    return params


def _without_bare_star(params: cst.Parameters, removed: cst.Param) -> cst.Parameters:
    """``(a, *)`` is not Python: the bare ``*`` goes with the last keyword-only parameter."""
    changes: dict[str, object] = {"kwonly_params": [], "star_arg": cst.MaybeSentinel.DEFAULT}
    for key in ("params", "posonly_params"):
        group = list(getattr(params, key))
        if group and params.star_kwarg is None:
            group[-1] = group[-1].with_changes(
                comma=removed.comma, whitespace_after_param=removed.whitespace_after_param
            )
            changes[key] = group
            break
    return params.with_changes(**changes)


def _is_last(params: cst.Parameters, key: str) -> bool:
    """Is ``key`` the last group of parameters (nothing follows it)?"""
    star = isinstance(params.star_arg, (cst.Param, cst.ParamStar))
    kwargs = params.star_kwarg is not None
    later = {
        "posonly_params": bool(params.params) or star or bool(params.kwonly_params) or kwargs,
        "params": star or bool(params.kwonly_params) or kwargs,
        "kwonly_params": kwargs,
    }
    return not later[key]


def _is_docstring(statement: cst.BaseStatement) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def own_session_body(
    function: cst.FunctionDef, fix: TaskFix, logger: str, overrides: Sequence[str]
) -> cst.FunctionDef:
    """The task opening its own session around its original body (docstring kept first)."""
    body = statements(function.body)
    head = body[:1] if body and _is_docstring(body[0]) else []
    rest = body[len(head) :]
    code = render(
        TEMPLATE,
        overrides,
        is_async=fix.is_async,
        factory=fix.factory,
        session=fix.param,
        commit=commit_state(rest, fix.param) == APPEND,
        logger=logger,
        task=fix.function,
    )
    opened = cst.parse_statement(code)
    assert isinstance(opened, cst.With) and isinstance(opened.body, cst.IndentedBlock)
    attempt = opened.body.body[0]
    assert isinstance(attempt, cst.Try) and isinstance(attempt.body, cst.IndentedBlock)
    tail = list(attempt.body.body[1:])
    attempt = attempt.with_changes(body=attempt.body.with_changes(body=[*rest, *tail]))
    opened = opened.with_changes(body=opened.body.with_changes(body=[attempt]))
    block = function.body
    if isinstance(block, cst.SimpleStatementSuite):
        block = cst.IndentedBlock(body=[], header=block.trailing_whitespace)
    return function.with_changes(
        params=without_param(function.params, fix.param),
        body=block.with_changes(body=[*head, opened]),
    )


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, edits: FileEdits, logger: str, overrides: Sequence[str]) -> None:
        super().__init__()
        self.drops = {(d.line, d.col): d for d in edits.drops}
        self.tasks = {t.function: t for t in edits.tasks}
        self.unused: dict[str, list[str]] = {}
        for unused in edits.unused:
            self.unused.setdefault(unused.function, []).append(unused.param)
        self.logger = logger
        self.overrides = overrides
        self.depth = 0
        self.fixed = 0

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.depth += 1

    def leave_FunctionDef(
        self, original_node: cst.FunctionDef, updated_node: cst.FunctionDef
    ) -> cst.FunctionDef:
        self.depth -= 1
        if self.depth:
            return updated_node
        for param in self.unused.get(updated_node.name.value, ()):
            updated_node = updated_node.with_changes(
                params=without_param(updated_node.params, param)
            )
        fix = self.tasks.get(updated_node.name.value)
        if fix is None:
            return updated_node
        self.fixed += 1
        return own_session_body(updated_node, fix, self.logger, self.overrides)

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.depth += 1

    def leave_ClassDef(
        self, original_node: cst.ClassDef, updated_node: cst.ClassDef
    ) -> cst.ClassDef:
        self.depth -= 1
        return updated_node

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        position = self.get_metadata(PositionProvider, original_node).start
        drop = self.drops.get((position.line, position.column))
        return updated_node if drop is None else without_argument(updated_node, drop)


def rewrite_module(source: SourceFile, edits: FileEdits, overrides: Sequence[str]) -> cst.Module:
    """Apply one file's edits: arguments dropped, tasks opening their own sessions, imports."""
    module = source.module
    site = logger_site(module, "logger")
    rewriter = _Rewriter(edits, site.name, overrides)
    module = MetadataWrapper(module).visit(rewriter)
    for unused in edits.unused:
        for name in unused.names:
            module = drop_unused_import(module, name)
    if not rewriter.fixed:
        return module
    root = project_root(source.abs_path, source.path)
    for fix in edits.tasks:
        for name in fix.annotation_names:
            module = drop_unused_import(module, name)
    specs = [
        ImportSpec(mod, name or None, asname)
        for fix in edits.tasks
        for mod, name, asname in fix.imports
    ]
    if specs:
        module = add_imports(
            module, specs, root=root, first_party=first_party_packages(source.abs_path, root)
        )
    if site.index is None:
        module = add_logger(module, site.name, list(overrides), Path(root))
    return module


def _imported_names(statement: cst.BaseStatement) -> list[str]:
    if not isinstance(statement, cst.SimpleStatementLine):
        return []
    found: list[str] = []
    for small in statement.body:
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            for alias in small.names:
                bound = alias.asname.name if alias.asname else alias.name
                if isinstance(bound, cst.Name):
                    found.append(bound.value)
    return found


def drop_unused_import(module: cst.Module, name: str) -> cst.Module:
    """``module`` without ``from x import name`` when nothing else spells ``name`` any more.

    Only a top-level, unconditional ``from`` import is touched; any other mention of the word
    (code, a string annotation, a comment) keeps it.
    """
    body = list(module.body)
    holders = [i for i, statement in enumerate(body) if name in _imported_names(statement)]
    if len(holders) != 1:
        return module
    rest = [statement for i, statement in enumerate(body) if i != holders[0]]
    text = module.with_changes(body=rest).code
    if re.search(rf"\b{re.escape(name)}\b", text):
        return module
    line = body[holders[0]]
    assert isinstance(line, cst.SimpleStatementLine)
    small = line.body[0]
    if len(line.body) != 1 or not isinstance(small, cst.ImportFrom):
        return module
    assert not isinstance(small.names, cst.ImportStar)
    names = list(small.names)
    position = next(i for i, alias in enumerate(names) if _bound(alias) == name)
    removed = names.pop(position)
    if not names:
        if (line.leading_lines or holders[0] == 0) and holders[0] + 1 < len(body):
            following = body[holders[0] + 1]
            # the gap before the removed import now separates what comes next (none at the top)
            comments = [empty for empty in following.leading_lines if empty.comment is not None]
            body[holders[0] + 1] = following.with_changes(
                leading_lines=[*line.leading_lines, *comments]
            )
        del body[holders[0]]
        return module.with_changes(body=body)
    if position == len(names):
        names[-1] = names[-1].with_changes(comma=removed.comma)
    new = small.with_changes(names=names)
    if len(names) == 1 and small.lpar is not None:
        new = new.with_changes(lpar=None, rpar=None)
    body[holders[0]] = line.with_changes(body=[new])
    return module.with_changes(body=body)


def _bound(alias: cst.ImportAlias) -> str:
    bound = alias.asname.name if alias.asname else alias.name
    return bound.value if isinstance(bound, cst.Name) else ""
