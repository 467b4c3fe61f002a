"""Apply planned edits: replace units of work in route modules, add methods to service modules."""

from __future__ import annotations

import re
import textwrap
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import libcst as cst
from libcst.metadata import FunctionScope, ImportAssignment, Scope

from backfix.comment_wrap import rewrap_comments
from backfix.cst_scopes import resolve_scopes
from backfix.cst_utils import dotted, kept_statements, split_blank_lines
from backfix.cst_walk import Parents, read_only_visits
from backfix.imports import (
    add_imports,
    format_imports,
    import_block_end,
    space_after_imports,
)
from backfix.pragmas import comments
from backfix.source import SourceError
from backfix.templating import render

from .docstrings import method_docstring
from .model import (
    MethodSpec,
    RouteEdits,
    ServiceEdits,
    UnitPlan,
)
from .syntax import code_of, is_bare_raise, is_docstring
from .units import Unit, split_try_body

PLACEHOLDER = "__backfix_body__"
#: calls with more arguments than this pass them all by keyword.
MAX_POSITIONAL = 3
TEMPLATE_DIR = "move-commits"


class PlanMismatch(Exception):
    """The file no longer matches what the plan was made from."""


def _template(template: str, overrides: Sequence[str], **context: object) -> str:
    return render(f"{TEMPLATE_DIR}/{template}", overrides, **context)


# --- route side -------------------------------------------------------------------------------------------


def wrapped(
    items: Sequence[str],
    prefix_width: int,
    suffix: str,
    line_length: int,
    indent: int = 0,
    dangling: bool = True,
) -> str:
    """``a, b`` when ``prefix(a, b)suffix`` fits the line; else, as black and ruff format it, the
    items together on a line of their own when that line fits (the statement starts at column
    ``indent``), else one item per line with a trailing comma. Unless ``dangling``, the closing
    bracket ends the last line of items instead, without a trailing comma, as in a file that
    writes its brackets so (see :func:`backfix.layout_checks.closing_brackets_dangle`)."""
    flat = ", ".join(items)
    if not items or prefix_width + len(flat) + len(suffix) <= line_length:
        return flat
    end = "\n" if dangling else ""
    if indent + 4 + len(flat) + (0 if dangling else len(suffix)) <= line_length:
        return f"\n    {flat}{end}"
    if not dangling:
        return "\n" + ",\n".join(f"    {item}" for item in items)
    return "\n" + "".join(f"    {item},\n" for item in items)


@dataclass(frozen=True)
class CallSite:
    """How the service calls of one route module are rendered and parsed."""

    overrides: Sequence[str]
    config: cst.PartialParserConfig
    line_length: int
    #: closing brackets of wrapped calls on a line of their own (else after the last argument)
    dangling: bool = True


def call_statement(
    unit: Unit, plan: UnitPlan, site: CallSite, prefix_width: int = 0
) -> cst.BaseStatement:
    """``job = JobService.create_job(title=title, tenant_id=g.tenant_id)`` from the call-site
    template."""
    # Arguments follow the signature's order; after the first keyword argument all are keywords,
    # and a call with more than three arguments names every one of them.
    args: list[str] = []
    keywords = len(unit.params) > MAX_POSITIONAL
    for param in unit.params:
        keywords = keywords or not param.positional
        args.append(f"{param.name}={param.value}" if keywords else param.value)
    is_async = unit.function.asynchronous is not None
    targets = [unit.status, *unit.returns] if unit.status else list(unit.returns)
    head = (", ".join(targets) + " = " if targets else "") + ("await " if is_async else "")
    head += f"{plan.service_class}.{plan.method}("
    kept = unit.split is not None and any(s.kept and not is_bare_raise(s.kept) for s in unit.split)
    width = unit.column + (4 if unit.try_node is not None and kept else 0) + prefix_width
    text = _template(
        "call_site.py.j2",
        site.overrides,
        targets=targets,
        is_async=is_async,
        service_class=plan.service_class,
        method=plan.method,
        args=args,
        arguments=wrapped(
            args, width + len(head), ")", site.line_length, width - prefix_width, site.dangling
        ),
    )
    return cst.parse_statement(text.strip() + "\n", config=site.config)


def route_replacement(
    unit: Unit,
    plan: UnitPlan,
    site: CallSite,
) -> list[cst.BaseStatement]:
    """What replaces the unit's statements in the route."""
    if unit.exits:
        return _exit_replacement(unit, plan, site)
    if unit.branch_test is not None:
        return _condition_replacement(unit, plan, site)
    call = call_statement(unit, plan, site)
    first = unit.block.body[unit.start]
    assert isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    assert isinstance(call, cst.SimpleStatementLine)
    if unit.try_node is None or unit.split is None:
        return [call.with_changes(leading_lines=_route_lines(unit, plan, first.leading_lines))]
    handlers = []
    for split in unit.split:
        if not split.kept or is_bare_raise(split.kept):
            continue
        body = split.handler.body
        assert isinstance(body, cst.IndentedBlock)
        kept = list(split.kept)
        if kept[0] is not body.body[0] and isinstance(
            kept[0], (cst.SimpleStatementLine, cst.BaseCompoundStatement)
        ):
            # The handler's new first statement does not open with the blank line that
            # separated it from the rollback that moved (formatters remove such a line).
            lines = split_blank_lines(kept[0].leading_lines)[1]
            kept[0] = kept[0].with_changes(leading_lines=lines)
        handlers.append(split.handler.with_changes(body=body.with_changes(body=kept)))
    if not handlers:
        return [call.with_changes(leading_lines=first.leading_lines)]
    tail = split_try_body(unit.try_node, unit.try_tail)[1]
    inner = unit.try_node.body.with_changes(body=[call, *tail])
    route_try = unit.try_node.with_changes(body=inner, handlers=handlers)
    return [route_try.with_changes(leading_lines=first.leading_lines)]


def _exit_replacement(
    unit: Unit,
    plan: UnitPlan,
    site: CallSite,
) -> list[cst.BaseStatement]:
    """The call, then the early exit's body under ``if not committed:`` (or ``if not`` the call
    itself when it returns nothing else, or the exit's own test of the one value it returns):
    the route answers the request as before."""
    first = unit.block.body[unit.start]
    assert isinstance(first, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
    lines = _route_lines(unit, plan, first.leading_lines)
    # The branch that answers the request, alone under the new test.
    check = unit.exits[0].with_changes(body=unit.exit_block, orelse=None)
    if unit.none_on_exit:
        call = call_statement(unit, plan, site)
        return [call.with_changes(leading_lines=lines), check.with_changes(leading_lines=[])]
    if unit.status:
        call = call_statement(unit, plan, site)
        test: cst.BaseExpression = cst.parse_expression(f"not {unit.status}")
        kept = check.with_changes(test=test, leading_lines=[])
        return [call.with_changes(leading_lines=lines), kept]
    call = call_statement(unit, plan, site, len("if not "))
    assert isinstance(call, cst.SimpleStatementLine) and isinstance(call.body[0], cst.Expr)
    negated = cst.UnaryOperation(operator=cst.Not(), expression=call.body[0].value)
    return [check.with_changes(test=negated, leading_lines=lines)]


def _condition_replacement(
    unit: Unit,
    plan: UnitPlan,
    site: CallSite,
) -> list[cst.BaseStatement]:
    """``if Service.method(...):`` with what the ``if`` did after the commit (or the call alone
    when nothing was left in it)."""
    check = unit.branch_test
    assert check is not None and isinstance(check.body, cst.IndentedBlock)
    rest = list(check.body.body[unit.inner_end + 1 :])
    call = call_statement(unit, plan, site, len("if "))
    assert isinstance(call, cst.SimpleStatementLine) and isinstance(call.body[0], cst.Expr)
    if not rest:
        return [call.with_changes(leading_lines=check.leading_lines)]
    body = check.body.with_changes(body=rest)
    return [check.with_changes(test=call.body[0].value, body=body)]


def _route_lines(unit: Unit, plan: UnitPlan, lines: Sequence[cst.EmptyLine]) -> list[cst.EmptyLine]:
    """The lines above the call: those above the moved code, minus the comments that moved with it."""
    if unit.extraction is None or plan.comments_stay:
        return list(lines)
    moved = len(unit.extraction.output.leading_comments)
    return list(lines[: len(lines) - moved]) if moved else list(lines)


class _ReplaceUnits(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, list[tuple[int, int, list[cst.BaseStatement]]]]):
        super().__init__()
        self.replacements = replacements

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        todo = self.replacements.get(id(original_node))
        if not todo:
            return updated_node
        body = list(updated_node.body)
        for start, end, new in sorted(todo, key=lambda t: -t[0]):
            body[start : end + 1] = new
        return updated_node.with_changes(body=body)


def rewrite_route(
    module: cst.Module,
    units: Sequence[Unit],
    edits: RouteEdits,
    overrides: Sequence[str],
    line_length: int = 88,
    root: Path | None = None,
    project_first_party: Collection[str] = (),
    dangling: bool = True,
) -> cst.Module:
    """Replace every planned unit with its service call, import the services, drop dead imports.
    ``dangling``: how the module closes brackets that span lines (see ``wrapped``)."""
    by_id = {unit.unit_id: unit for unit in units}
    site = CallSite(overrides, module.config_for_parsing, line_length, dangling)
    replacements: dict[int, list[tuple[int, int, list[cst.BaseStatement]]]] = {}
    planned: list[tuple[Unit, UnitPlan]] = []
    for unit_id, plan in edits.units:
        unit = by_id.get(unit_id)
        if unit is None or unit.extraction is None or unit.extraction.body_code != plan.body_code:
            raise PlanMismatch(f"unit {unit_id} changed since it was planned")
        new = route_replacement(unit, plan, site)
        replacements.setdefault(id(unit.block), []).append((unit.start, unit.end, new))
        planned.append((unit, plan))
    module = module.visit(_ReplaceUnits(replacements))
    moved = dict(edits.moved_definitions)
    module, still_read = drop_definitions(module, frozenset(moved))
    imports = [*edits.imports, *(moved[name] for name in sorted(still_read))]
    # The services imported here are the project's own, even when this run creates them.
    first_party = {line.split()[1].split(".")[0] for line in imports}
    first_party |= set(project_first_party)
    module = add_imports(
        module, imports, root=root, first_party=first_party, line_length=line_length
    )
    module = remove_unused_imports(module, edits.removable_names)
    _check_comments_kept(planned, module.code)
    return module


def _check_comments_kept(planned: Sequence[tuple[Unit, UnitPlan]], route_code: str) -> None:
    """Refuse a rewrite that would lose a comment: each comment in the statements of a unit must
    be in the new route module (what stays: handlers, the `try`'s tail, comments above the call)
    or go with the code into the service method (its body, or the comments above it)."""
    kept = _comment_texts(route_code)
    for unit, plan in planned:
        assert unit.extraction is not None
        moved = _comment_texts(plan.body_code)
        if not plan.comments_stay:
            moved |= {c.strip() for c in unit.extraction.output.leading_comments}
        for stmt in unit.block.body[unit.start : unit.end + 1]:
            lost = sorted(_comment_texts(code_of(stmt)) - kept - moved)
            if lost:
                raise SourceError(
                    "comment-would-be-lost",
                    f"move-commits would lose the comment {lost[0]!r} of a unit of work in "
                    f"`{unit.function.name.value}`; the file was left alone (please report this)",
                )


def _comment_texts(code: str) -> set[str]:
    """The comments of ``code`` (stripped), as the tokenizer reads them."""
    return {comment.text.strip() for comment in comments(textwrap.dedent(code)) or ()}


def drop_definitions(module: cst.Module, names: frozenset[str]) -> tuple[cst.Module, set[str]]:
    """``module`` without the module-level definitions of ``names`` (they moved to the service),
    and those of ``names`` that the rest of the module still reads."""
    if not names:
        return module, set()
    global_scope = _scopes(module).get(module)
    parents = Parents(module)
    if global_scope is None:
        return module, set()
    removed: set[int] = set()
    for stmt in module.body:
        if _defines(stmt) in names:
            removed.add(id(stmt))
    still_read = {name for name in names if _exported(module, name)}
    for name in names:
        for assignment in global_scope.assignments[name]:
            for access in assignment.references:
                if _top_statement(access.node, parents) not in removed:
                    still_read.add(name)
    body: list[cst.BaseStatement] = []
    carried: Sequence[cst.EmptyLine] = ()
    for stmt in module.body:
        if id(stmt) in removed:
            blanks = [line for line in stmt.leading_lines if line.comment is None]
            carried = carried or blanks
            continue
        if carried and not any(line.comment is None for line in stmt.leading_lines):
            stmt = stmt.with_changes(leading_lines=[*carried, *stmt.leading_lines])
        carried = ()
        body.append(stmt)
    return module.with_changes(body=body), still_read


def _scopes(module: cst.Module) -> Mapping[cst.CSTNode, Scope | None]:
    """What ``ScopeProvider`` resolves for ``module``, from the engine's cheaper resolution (the
    analysis' own; through the metadata wrapper it was most of a route module's rewrite)."""
    with read_only_visits():
        return resolve_scopes(module)


def _defines(stmt: cst.BaseStatement) -> str:
    if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
        return stmt.name.value
    if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1:
        small = stmt.body[0]
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            return dotted(small.targets[0].target)
        if isinstance(small, cst.AnnAssign):
            return dotted(small.target)
    return ""


def _top_statement(node: cst.CSTNode, parents: Mapping[cst.CSTNode, cst.CSTNode]) -> int:
    current = node
    while True:
        parent = parents.get(current)
        if parent is None or isinstance(parent, cst.Module):
            return id(current)
        current = parent


def remove_unused_imports(module: cst.Module, names: frozenset[str]) -> cst.Module:
    """Drop import aliases among ``names`` that nothing reads any more, module-level or local."""
    if not names:
        return module
    scopes = _scopes(module)
    global_scope = scopes.get(module)
    if global_scope is None:
        return module
    dead: set[int] = set()
    for name in names:
        if not _exported(module, name):
            dead |= _dead_import_names(global_scope, name)
    local_dead: set[int] = set()
    for scope in set(scopes.values()):
        if isinstance(scope, FunctionScope):
            for name in names:
                local_dead |= _dead_import_names(scope, name)
    module = _drop_module_imports(module, dead)
    if local_dead:
        # A route that imported inside the function for the code that moved keeps no dead import.
        module = module.visit(_DropLocalImports(_DropAliases(local_dead)))
    return module


def _drop_module_imports(module: cst.Module, dead: set[int]) -> cst.Module:
    if not dead:
        return module
    dropper = _DropAliases(dead)
    pairs = [
        (stmt, dropper.statement(stmt) if isinstance(stmt, cst.SimpleStatementLine) else stmt)
        for stmt in module.body
    ]
    return module.with_changes(body=kept_statements(pairs, top=True))


def _dead_import_names(scope: Scope, name: str) -> set[int]:
    """Ids of the name nodes ``scope``'s imports bind ``name`` with, when nothing reads it there:
    a package ``a`` that no statement binding it is read through, or the ``a.b`` of
    ``import a.b`` (given as ``name``) that the moved code read and nothing reads now."""
    assignments = list(scope.assignments[name])
    if not assignments or not all(isinstance(a, ImportAssignment) for a in assignments):
        return set()
    if any(a.references for a in assignments):
        return set()
    aliases = {id(a.as_name) for a in assignments if isinstance(a, ImportAssignment)}
    if "." in name:  # `import a.b` whose `a.b` the moved code read and nothing reads now
        return aliases
    # `import a.b` binds `a` and `a.b`, and a read of `a.b.f` references the second: the name
    # `a` is still read while any statement binding it is
    read = any(
        isinstance(a, ImportAssignment) and id(a.as_name) in aliases and a.references
        for a in scope.assignments
    )
    return set() if read else aliases


class _DropLocalImports(cst.CSTTransformer):
    """Removes dead import aliases from function bodies (module-level ones are handled apart)."""

    def __init__(self, dropper: _DropAliases) -> None:
        super().__init__()
        self.dropper = dropper

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        body: list[cst.BaseStatement] = []
        # Alias ids belong to the original tree; a simple statement has no nested block, so its
        # original is what the transformer would have produced.
        dropped = False
        for original, updated in zip(original_node.body, updated_node.body, strict=True):
            new: cst.BaseStatement | None = updated
            if isinstance(original, cst.SimpleStatementLine):
                new = self.dropper.statement(original)
            if new is None:
                dropped = True
                continue
            first = not body and original is not original_node.body[0]
            # (a function's docstring followed by the removed import: no blank line after it)
            after_docstring = len(body) == 1 and is_docstring(body[0]) and dropped
            if (first or after_docstring) and isinstance(
                new, (cst.SimpleStatementLine, cst.BaseCompoundStatement)
            ):
                # The block's new first statement does not open with the blank line that
                # separated it from the removed import.
                new = new.with_changes(leading_lines=split_blank_lines(new.leading_lines)[1])
            body.append(new)
            dropped = False
        if len(body) == len(updated_node.body) or not body:
            return updated_node
        return updated_node.with_changes(body=body)


def _exported(module: cst.Module, name: str) -> bool:
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if isinstance(small, cst.Assign) and any(
                    dotted(t.target) == "__all__" for t in small.targets
                ):
                    return f'"{name}"' in code_of(small) or f"'{name}'" in code_of(small)
    return False


class _DropAliases:
    """Removes import aliases whose bound names are in ``dead`` (ids of their name nodes)."""

    def __init__(self, dead: set[int]) -> None:
        self.dead = dead

    def _keep(self, alias: cst.ImportAlias) -> bool:
        bound = alias.asname.name if alias.asname is not None else alias.name
        if isinstance(bound, cst.Attribute):
            head: cst.BaseExpression = bound
            while isinstance(head, cst.Attribute):
                head = head.value
            return id(head) not in self.dead and id(bound) not in self.dead
        return id(bound) not in self.dead and id(alias) not in self.dead

    def statement(self, stmt: cst.SimpleStatementLine) -> cst.SimpleStatementLine | None:
        """``stmt`` without its dead import aliases; None when nothing is left."""
        body: list[cst.BaseSmallStatement] = []
        for small in stmt.body:
            if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
                small.names, cst.ImportStar
            ):
                kept = [alias for alias in small.names if self._keep(alias)]
                if not kept:
                    continue
                if len(kept) != len(small.names):
                    small = _with_aliases(small, kept)
            body.append(small)
        if not body:
            return None
        if len(body) == len(stmt.body) and all(
            a is b for a, b in zip(body, stmt.body, strict=True)
        ):
            return stmt
        body[-1] = body[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        return stmt.with_changes(body=body)


def _with_aliases(
    small: cst.Import | cst.ImportFrom, kept: list[cst.ImportAlias]
) -> cst.Import | cst.ImportFrom:
    """``small`` importing only ``kept``. One name left of a parenthesized ``from`` import
    without comments goes on one line (``from app.models import UserPublic``), as it would be
    written; otherwise the last alias keeps the original trailing comma (and its line break)."""
    if (
        len(kept) == 1
        and isinstance(small, cst.ImportFrom)
        and small.lpar is not None
        and "#" not in code_of(small)
    ):
        return small.with_changes(
            names=[kept[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)], lpar=None, rpar=None
        )
    names = small.names
    assert not isinstance(names, cst.ImportStar)  # (the caller keeps star imports whole)
    kept[-1] = kept[-1].with_changes(comma=names[-1].comma)
    return small.with_changes(names=kept)


# --- service side -----------------------------------------------------------------------------------------


_METHOD_INDENT = "    "


def method_node(
    spec: MethodSpec,
    overrides: Sequence[str],
    config: cst.PartialParserConfig,
    line_length: int = 88,
    docstring: str = "",
) -> cst.FunctionDef:
    """A service method from the method template, with the moved statements as its body (and
    ``docstring`` above them, when not empty)."""
    head = f"{_METHOD_INDENT}{'async ' if spec.is_async else ''}def {spec.name}("
    typed = [
        f"{name}: {annotation}" if annotation else name
        for name, annotation in zip(
            spec.params, spec.annotations or ("",) * len(spec.params), strict=True
        )
    ]
    tail = f") -> {spec.return_annotation}:" if spec.return_annotation else "):"
    text = _template(
        "method.py.j2",
        overrides,
        method_name=spec.name,
        params=list(spec.params),
        typed_params=typed,
        annotations=list(spec.annotations),
        return_annotation=spec.return_annotation,
        parameters=wrapped(typed, len(head), tail, line_length, indent=4),
        is_async=spec.is_async,
        origin=spec.origin,
        docstring=docstring,
        body=PLACEHOLDER,
    )
    node = cst.parse_statement(text, config=config)
    if not isinstance(node, cst.FunctionDef) or not isinstance(node.body, cst.IndentedBlock):
        raise ValueError("method template must render one function definition")
    block = node.body
    if spec.header_comment and block.header.comment is None:
        # coverage.py skips the whole function for a pragma on its def line, as it did the route
        header = cst.TrailingWhitespace(
            cst.SimpleWhitespace("  "), cst.Comment(spec.header_comment)
        )
        block = block.with_changes(header=header)
    statements: list[cst.BaseStatement] = [
        cst.parse_statement(line + "\n", config=config) for line in spec.local_imports
    ]
    # (the def sits in the service class, one indent in)
    column = len(_METHOD_INDENT) + len(block.indent if block.indent is not None else _METHOD_INDENT)
    for index, moved in enumerate(cst.parse_module(spec.body_code).body):
        flushed = moved.visit(_FlushBlankLines())
        assert isinstance(flushed, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        if index == 0 and spec.leading_comments:
            comments = [cst.EmptyLine(comment=cst.Comment(c)) for c in spec.leading_comments]
            flushed = flushed.with_changes(leading_lines=[*comments, *flushed.leading_lines])
        statements.append(rewrap_comments(flushed, column, line_length, spec.moved_from_column))
    values = ["True", *spec.returns] if spec.status else list(spec.returns)
    if values:
        statements.append(cst.parse_statement(f"return {', '.join(values)}\n", config=config))
    body: list[cst.BaseStatement] = []
    for stmt in block.body:
        if _is_placeholder(stmt):
            body.extend(statements)
        else:
            body.append(stmt)
    return node.with_changes(body=block.with_changes(body=body))


class _FlushBlankLines(cst.CSTTransformer):
    """Blank lines of moved code carry no indentation in their new, deeper place."""

    def leave_EmptyLine(
        self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine
    ) -> cst.EmptyLine:
        if updated_node.comment is None:
            return updated_node.with_changes(indent=False, whitespace=cst.SimpleWhitespace(""))
        return updated_node


def _is_placeholder(stmt: cst.BaseStatement) -> bool:
    return (
        isinstance(stmt, cst.SimpleStatementLine)
        and len(stmt.body) == 1
        and isinstance(stmt.body[0], cst.Expr)
        and isinstance(stmt.body[0].value, cst.Name)
        and stmt.body[0].value.value == PLACEHOLDER
    )


def _title(class_name: str) -> str:
    """``WebUIService`` → ``Web UI``: the words of a class name, acronyms kept whole (also one
    that ends in a lower-case letter: ``CTFdService`` → ``CTFd``)."""
    stem = class_name.removesuffix("Service") or class_name
    words = re.findall(
        r"OAuth\d*|[A-Z]{2,}[a-z](?![a-z0-9])|[A-Z]+(?![a-z])|[A-Z]?[a-z0-9]+|[A-Z]", stem
    )
    return " ".join(words) or stem


def _lower_title(title: str) -> str:
    """``Web UI`` → ``web UI``: lower case except acronyms (``UI``, ``CTFd``)."""
    return " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in title.split())


def rewrite_service(
    module: cst.Module,
    exists: bool,
    edits: ServiceEdits,
    overrides: Sequence[str],
    line_length: int = 88,
    root: Path | None = None,
    first_party: Collection[str] = (),
    docstrings: bool = False,
) -> cst.Module:
    """Create or extend a service module: imports, the class, the new methods (with a docstring
    each where ``docstrings`` says the project's linters require one, or the class they join
    documents every method it has)."""
    title = _title(edits.class_name)
    if not exists:
        class_code = _template(
            "service_class.py.j2",
            overrides,
            class_name=edits.class_name,
            title=title,
            title_lower=_lower_title(title),
            line_length=line_length,
        )
        text = _template(
            "service_module.py.j2",
            overrides,
            title=title,
            line_length=line_length,
            imports=format_imports(
                edits.imports, root=root, first_party=first_party, line_length=line_length
            ),
            class_code=class_code.rstrip("\n"),
        )
        module = cst.parse_module(edits.header + text.rstrip("\n") + "\n")
    else:
        module = add_imports(
            module, edits.imports, root=root, first_party=first_party, line_length=line_length
        )
    config = module.config_for_parsing
    module = add_definitions(module, edits.definitions, config)
    body = list(module.body)
    existing = next(
        (s for s in body if isinstance(s, cst.ClassDef) and s.name.value == edits.class_name),
        None,
    )
    if existing is not None:
        docstrings = docstrings or _documents_methods(existing)
    methods = [
        method_node(
            spec,
            overrides,
            config,
            line_length,
            method_docstring(spec.name, spec.verb, spec.subject) if docstrings else "",
        )
        for spec in edits.methods
    ]
    if existing is not None:
        body[body.index(existing)] = _extend_class(existing, methods)  # (nodes equal by identity)
        return module.with_changes(body=body)
    class_text = _template(
        "service_class.py.j2",
        overrides,
        class_name=edits.class_name,
        title=title,
        title_lower=_lower_title(title),
        line_length=line_length,
    )
    class_node = cst.parse_statement(class_text, config=config)
    assert isinstance(class_node, cst.ClassDef)
    class_node = _extend_class(class_node, methods).with_changes(
        leading_lines=[cst.EmptyLine(indent=False)] * 2 if body else []
    )
    body.append(class_node)
    return module.with_changes(body=body)


def add_definitions(
    module: cst.Module, codes: Sequence[str], config: cst.PartialParserConfig
) -> cst.Module:
    """``module`` with the moved constants and helpers after its imports, spaced as ruff wants."""
    if not codes:
        return module
    at = import_block_end(module)
    new: list[cst.BaseStatement] = []
    previous_def = False
    for index, code in enumerate(codes):
        stmt = cst.parse_statement(code, config=config)
        is_def = isinstance(stmt, (cst.FunctionDef, cst.ClassDef))
        blanks = 2 if is_def or previous_def else 1
        if (index == 0 and at == 0) or (index > 0 and not is_def and not previous_def):
            blanks = 0
        assert isinstance(stmt, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        new.append(
            stmt.with_changes(leading_lines=[cst.EmptyLine()] * blanks + list(stmt.leading_lines))
        )
        previous_def = is_def
    body = list(module.body)
    if at < len(body):
        following = body[at]
        assert isinstance(following, (cst.SimpleStatementLine, cst.BaseCompoundStatement))
        body[at] = space_after_imports(following)
    return module.with_changes(body=[*body[:at], *new, *body[at:]])


def _documents_methods(node: cst.ClassDef) -> bool:
    """Whether the class ``node`` has public methods, each with a docstring."""
    if not isinstance(node.body, cst.IndentedBlock):
        return False
    public = [
        stmt
        for stmt in node.body.body
        if isinstance(stmt, cst.FunctionDef) and not stmt.name.value.startswith("_")
    ]
    return bool(public) and all(stmt.get_docstring() is not None for stmt in public)


def _extend_class(node: cst.ClassDef, methods: list[cst.FunctionDef]) -> cst.ClassDef:
    if not isinstance(node.body, cst.IndentedBlock):
        raise ValueError(f"class {node.name.value} has a one-line body")
    existing = [
        stmt
        for stmt in node.body.body
        if not (
            isinstance(stmt, cst.SimpleStatementLine)
            and len(stmt.body) == 1
            and isinstance(stmt.body[0], cst.Pass)
        )
    ]
    added = [
        m.with_changes(leading_lines=[cst.EmptyLine(indent=False)] if existing or i else [])
        for i, m in enumerate(methods)
    ]
    return node.with_changes(body=node.body.with_changes(body=[*existing, *added]))
