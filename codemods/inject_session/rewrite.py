"""Apply one file's edits: the service takes its session, the singleton goes, call sites build it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from backfix.imports import add_imports

from .model import FileEdits, ServiceEdit


def _sets_attr(small: cst.BaseSmallStatement, attr: str) -> bool:
    """Whether ``small`` is ``self.<attr> = ...`` (or ``self.<attr>: T = ...``) to one target."""
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        target: cst.BaseExpression = small.targets[0].target
    elif isinstance(small, cst.AnnAssign):
        target = small.target
    else:
        return False
    return (
        isinstance(target, cst.Attribute)
        and isinstance(target.value, cst.Name)
        and target.value.value == "self"
        and target.attr.value == attr
    )


def _is_docstring(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _assignment(edit: ServiceEdit) -> cst.Assign:
    line = cst.parse_statement(f"self.{edit.attr} = {edit.param}\n")
    assert isinstance(line, cst.SimpleStatementLine) and isinstance(line.body[0], cst.Assign)
    return line.body[0]


def _set_in_line(
    line: Sequence[cst.BaseSmallStatement], edit: ServiceEdit
) -> list[cst.BaseSmallStatement] | None:
    """The statements of one line with ``self.db = None`` made ``self.db = db``; None if absent."""
    for i, small in enumerate(line):
        if _sets_attr(small, edit.attr):
            return [
                *line[:i],
                _assignment(edit).with_changes(semicolon=small.semicolon),
                *line[i + 1 :],
            ]
    return None


def _session_param(edit: ServiceEdit) -> cst.Param:
    annotation = cst.Annotation(cst.parse_expression(edit.annotation)) if edit.annotation else None
    return cst.Param(cst.Name(edit.param), annotation=annotation)


def _with_session(init: cst.FunctionDef, edit: ServiceEdit) -> cst.FunctionDef:
    """``__init__(self)`` → ``__init__(self, db: Session) -> None`` setting ``self.db = db``."""
    params = init.params.with_changes(params=[*init.params.params, _session_param(edit)])
    returns = init.returns or cst.Annotation(cst.Name("None"))
    suite = init.body
    if isinstance(suite, cst.SimpleStatementSuite):
        # ``def __init__(self): self.db = None`` stays on one line
        one_line = suite.with_changes(body=_one_line_body(list(suite.body), edit))
        return init.with_changes(params=params, body=one_line, returns=returns)
    body = _statements(suite)
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.SimpleStatementLine):
            set_here = _set_in_line(stmt.body, edit)
            if set_here is not None:
                body[i] = stmt.with_changes(body=set_here)
                break
    else:
        at = 1 if body and _is_docstring(body[0]) else 0
        body.insert(at, cst.SimpleStatementLine(body=[_assignment(edit)]))
        body = [s for s in body if not _is_pass(s)] or body
    return init.with_changes(params=params, body=suite.with_changes(body=body), returns=returns)


def _one_line_body(
    line: list[cst.BaseSmallStatement], edit: ServiceEdit
) -> list[cst.BaseSmallStatement]:
    """A one-line body setting the session: in place of ``self.db = None``, or first (no ``pass``)."""
    set_here = _set_in_line(line, edit)
    if set_here is not None:
        return set_here
    return [_assignment(edit), *(s for s in line if not isinstance(s, cst.Pass))]


def _statements(suite: cst.BaseSuite) -> list[cst.BaseStatement]:
    """The statements of an indented block (a class with methods never has a one-line body)."""
    if not isinstance(suite, cst.IndentedBlock):
        raise ValueError("a one-line class body cannot take the session")
    return [s for s in suite.body if isinstance(s, cst.BaseStatement)]


def _is_pass(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Pass)
    )


def _new_init(edit: ServiceEdit, indent: str) -> cst.FunctionDef:
    annotation = f": {edit.annotation}" if edit.annotation else ""
    code = (
        f"def __init__(self, {edit.param}{annotation}) -> None:\n"
        f"{indent}self.{edit.attr} = {edit.param}\n"
    )
    return cst.parse_statement(code)  # type: ignore[return-value]


def _service_class(node: cst.ClassDef, edit: ServiceEdit, indent: str) -> cst.ClassDef:
    body = _statements(node.body)
    for i, stmt in enumerate(body):
        if isinstance(stmt, cst.FunctionDef) and stmt.name.value == "__init__":
            body[i] = _with_session(stmt, edit)
            return node.with_changes(body=node.body.with_changes(body=body))
    at = 0
    while at < len(body) and (_is_docstring(body[at]) or (at == 0 and _is_pass(body[at]))):
        at += 1
    while at < len(body) and isinstance(body[at], cst.SimpleStatementLine):
        at += 1  # class attributes stay above the constructor
    new = _new_init(edit, indent)
    if at > 0:
        new = new.with_changes(leading_lines=[cst.EmptyLine()])
    following = body[at] if at < len(body) else None
    if isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement)) and not (
        following.leading_lines
    ):
        body[at] = following.with_changes(leading_lines=[cst.EmptyLine()])
    body.insert(at, new)
    body = [s for s in body if not _is_pass(s)]
    return node.with_changes(body=node.body.with_changes(body=body))


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, edits: FileEdits, indent: str) -> None:
        super().__init__()
        self.edits = edits
        self.indent = indent
        self.services = {e.class_name: e for e in edits.services}
        self.singletons = {name for e in edits.services for name in e.singletons}
        self.depth = 0

    def _where(self, node: cst.CSTNode) -> tuple[int, int]:
        pos = self.get_metadata(PositionProvider, node).start
        return (pos.line, pos.column)

    def leave_Name(self, original: cst.Name, updated: cst.Name) -> cst.BaseExpression:
        code = self.edits.replacements.get(self._where(original))
        return cst.parse_expression(code) if code else updated

    def leave_FunctionDef(
        self, original: cst.FunctionDef, updated: cst.FunctionDef
    ) -> cst.FunctionDef:
        added = self.edits.params.get(self._where(original.name))
        if added is None:
            return updated
        code, has_default = added
        holder = cst.parse_statement(f"def _({code}): pass\n")
        assert isinstance(holder, cst.FunctionDef)
        new = holder.params.params[0]
        params = list(updated.params.params)
        at = len(params)
        if not has_default:
            at = next((i for i, p in enumerate(params) if p.default is not None), at)
        new = _shaped_like(params, at, new)
        params.insert(at, new)
        if at > 0 and at == len(params) - 1:
            params[at - 1] = _with_comma(params[at - 1], params[at])
        return updated.with_changes(params=updated.params.with_changes(params=params))

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        edit = self.services.get(original.name.value)
        return _service_class(updated, edit, self.indent) if edit is not None else updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        body: list[cst.BaseStatement] = []
        carried: Sequence[cst.EmptyLine] | None = None
        for stmt in updated.body:
            kept = (
                None
                if _defines(stmt, self.singletons)
                else _without_imports(stmt, self.edits.imports)
            )
            if kept is None:
                if not body and carried is None:
                    carried = _leading_lines(stmt)  # the file's first statement: keep its header
                continue
            if carried is not None:
                kept = kept.with_changes(leading_lines=carried)
                carried = None
            body.append(kept)
        return updated.with_changes(body=body)


def _leading_lines(stmt: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    if isinstance(stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        return stmt.leading_lines
    return ()


def _shaped_like(params: list[cst.Param], at: int, new: cst.Param) -> cst.Param:
    """The new parameter with the comma style of its neighbours (one per line or inline)."""
    if at < len(params):
        return new.with_changes(comma=params[at - 1].comma if at else cst.MaybeSentinel.DEFAULT)
    if params and isinstance(params[-1].comma, cst.Comma):
        return new.with_changes(comma=params[-1].comma)
    return new


def _with_comma(previous: cst.Param, new: cst.Param) -> cst.Param:
    if isinstance(previous.comma, cst.Comma):
        return previous
    return previous.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))


def _defines(stmt: cst.BaseStatement, names: set[str]) -> bool:
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return False
    small = stmt.body[0]
    return (
        isinstance(small, cst.Assign)
        and len(small.targets) == 1
        and isinstance(small.targets[0].target, cst.Name)
        and small.targets[0].target.value in names
    )


def _without_imports(
    stmt: cst.BaseStatement, imports: dict[str, tuple[str, str]]
) -> cst.BaseStatement | None:
    """The statement without the imports of singletons; None when nothing of it is left."""
    if not imports or not isinstance(stmt, cst.SimpleStatementLine):
        return stmt
    body: list[cst.BaseSmallStatement] = []
    for small in stmt.body:
        if isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            kept = [
                a for a in small.names if (a.evaluated_alias or a.evaluated_name) not in imports
            ]
            if not kept:
                continue
            if len(kept) != len(small.names):
                last = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
                small = small.with_changes(names=[*kept[:-1], last])
                if len(kept) == 1 and small.lpar is not None:
                    small = small.with_changes(lpar=None, rpar=None)
        body.append(small)
    if not body:
        return None
    return stmt.with_changes(body=body)


def rewrite_module(module: cst.Module, edits: FileEdits, root: Path) -> cst.Module:
    """The module with one file's edits applied, imports placed like isort."""
    indent = module.default_indent
    wrapper = MetadataWrapper(module)
    new = wrapper.visit(_Rewriter(edits, indent))
    imports = [f"from {mod} import {cls}" for mod, cls in edits.imports.values()]
    imports += edits.new_imports
    if imports:
        new = add_imports(new, imports, root=root)
    return new
