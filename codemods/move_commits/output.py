"""Facts for the generated code of each movable unit: types, a name from its writes, moved comments.

Runs after the analysis (which settles what moves and the data flow) on the same live nodes and
attaches an ``OutputFacts`` to every extraction.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

import libcst as cst
from libcst.metadata import Assignment, ImportAssignment

from backfix.cst_utils import is_annotated

from .analyze import Analyzer
from .definitions import Definitions
from .frameworks import iter_nodes
from .method_names import WriteNamer
from .model import Definition, OutputFacts, Param, TypeInfo
from .placement import view_action, view_subject
from .read_types import read_type
from .types import TypeInference, dereferences, optional_style
from .units import Unit, split_try_body

#: set False to find the bindings after the moved code from where it ends rather than where it
#: starts (the equivalence test compares both)
END_FROM_START = True

_TYPE_IGNORE = re.compile(r"#\s*type:\s*ignore")


def attach_output(analyzer: Analyzer) -> None:
    """Give every extraction of ``analyzer`` its output facts."""
    units = [u for u in analyzer.units if u.extraction is not None]
    if not units:
        return
    inference = TypeInference(analyzer.index, analyzer.module, optional_style(analyzer.module))
    namer = WriteNamer(analyzer.index, inference)
    definitions = analyzer.regions.definitions
    inference.movable = definitions.movable
    inference.is_form = analyzer.regions.is_form
    claimed = _claimed_names(units, namer)
    for unit in units:
        assert unit.extraction is not None
        moved = _take_definitions(unit, definitions)
        facts = _facts(analyzer, unit, inference, namer, claimed.get(id(unit), set()))
        # Classes the annotations name (a request schema defined next to the route) move too
        # when the method is annotated.
        for_types = sorted(
            (d for d in facts.type_definitions if d not in moved), key=definitions.position
        )
        unit.extraction = replace(
            unit.extraction,
            output=replace(facts, definitions=moved, type_definitions=tuple(for_types)),
        )


def _claimed_names(units: list[Unit], namer: WriteNamer) -> dict[int, set[str]]:
    """For each unit (by ``id``) of a route with several, the names the other units of that
    route take from their writes."""
    by_function: dict[int, list[Unit]] = {}
    for unit in units:
        by_function.setdefault(id(unit.function), []).append(unit)
    claimed: dict[int, set[str]] = {}
    for group in by_function.values():
        if len(group) < 2:
            continue
        names = [namer.written_name(_statements(u), view_subject(_class_name(u))) for u in group]
        for unit, own in zip(group, names, strict=True):
            claimed[id(unit)] = {name for name in names if name and name != own}
    return claimed


def _statements(unit: Unit) -> list[cst.BaseStatement]:
    """The moved statements of ``unit``."""
    return list(unit.block.body[unit.start : unit.end + 1])


def _named_statements(unit: Unit) -> list[cst.BaseStatement]:
    """The statements that move into the method, which name it: those of a moved ``try``'s body
    and its handlers' rollback parts, not what stays in the route's ``try``."""
    stmts = _statements(unit)
    if unit.try_node is None or unit.split is None:
        return stmts
    rollbacks = [stmt for split in unit.split for stmt in split.moved]
    return stmts[:-1] + split_try_body(unit.try_node, unit.try_tail)[0] + rollbacks


def _class_name(unit: Unit) -> str | None:
    assert unit.extraction is not None
    return unit.extraction.class_name


def _take_definitions(unit: Unit, definitions: Definitions) -> tuple[Definition, ...]:
    """Drop the parameters that carry movable module constants/helpers; return those definitions."""
    assert unit.extraction is not None
    moved: list[Definition] = []
    kept: list[Param] = []
    for param in unit.params:
        found = definitions.movable(param.name) if param.positional else None
        if found is None:
            kept.append(param)
            continue
        moved.extend(d for d in found if d not in moved)
    moved.sort(key=definitions.position)
    if moved:
        unit.params = kept
        unit.extraction = replace(unit.extraction, params=tuple(kept))
    return tuple(moved)


def _facts(
    analyzer: Analyzer,
    unit: Unit,
    inference: TypeInference,
    namer: WriteNamer,
    claimed: set[str],
) -> OutputFacts:
    assert unit.extraction is not None
    inference.used = []
    stmts = _statements(unit)
    first = stmts[0]
    unknown: list[str] = []
    param_types = _param_types(analyzer, unit, inference, first, unknown)
    return_type = _method_return_type(analyzer, unit, inference, stmts[-1], unknown)
    used = tuple(inference.used)
    # A view class named for what it does (`MarkReportRead.post`) names the unit as a route
    # function of that name would.
    route_name = view_action(unit.extraction.class_name) or unit.function.name.value
    hint = namer.hint(
        _named_statements(unit), route_name, view_subject(unit.extraction.class_name), claimed
    )
    return OutputFacts(
        param_types=tuple(param_types),
        return_type=return_type,
        typed_route=is_annotated(unit.function),
        unknown=tuple(unknown),
        type_ignores=bool(_TYPE_IGNORE.search(unit.extraction.body_code)),
        name=hint.name if hint is not None else "",
        verb=hint.verb if hint is not None else "",
        subject=hint.subject if hint is not None else "",
        alternatives=hint.alternatives if hint is not None else (),
        writes_verb=hint.writes_verb if hint is not None else "",
        leading_comments=_method_comments(unit, first),
        heading=_heading(first),
        type_definitions=used,
        narrowed=_narrowed_reads(analyzer, unit, inference, first),
        no_cover=_no_cover(analyzer, unit),
    )


#: coverage.py's default exclusion pattern
_NO_COVER = re.compile(r"#\s*(pragma|PRAGMA)[:\s]?\s*(no|NO)\s*(cover|COVER)")


def _no_cover(analyzer: Analyzer, unit: Unit) -> str:
    """The ``# pragma: no cover`` comment of the code around ``unit`` that keeps coverage.py
    from measuring it: on the line of a statement whose body holds the unit (the route's def,
    its class, an ``if``) or of one of its decorators; "" for none."""
    node: cst.CSTNode | None = unit.block
    while node is not None:
        for comment in _header_comments(node):
            if _NO_COVER.search(comment):
                return comment
        node = analyzer.index.parent(node)
    return ""


def _header_comments(node: cst.CSTNode) -> list[str]:
    """The comments ending the header line of a compound statement and its decorators."""
    found: list[str] = []
    body = getattr(node, "body", None)
    if (
        isinstance(node, cst.BaseCompoundStatement)
        and isinstance(body, cst.IndentedBlock)
        and body.header.comment is not None
    ):
        found.append(body.header.comment.value)
    for decorator in getattr(node, "decorators", ()):
        if decorator.trailing_whitespace.comment is not None:
            found.append(decorator.trailing_whitespace.comment.value)
    return found


def _dereferenced_first(statements: list[cst.BaseStatement], name: str) -> bool:
    """Whether the first of ``statements`` that mentions ``name`` reads one of its attributes
    whenever it runs (``job.seen = True``): had it been None, that line would raise in the route
    as in the service, so the method may take it as not None."""
    for stmt in statements:
        if dereferences(stmt, name):
            return True
        if any(isinstance(n, cst.Name) and n.value == name for n in iter_nodes(stmt)):
            return False
    return False


def _narrowed_reads(
    analyzer: Analyzer, unit: Unit, inference: TypeInference, first: cst.BaseStatement
) -> tuple[str, ...]:
    """The attributes of parameters (``user.picture``) the moved code reads and the route rules
    out being None before it: a type checker knows that in the route, not in the service method."""
    assert unit.extraction is not None
    params = {param.name for param in unit.extraction.params if param.positional}
    tested = {
        text
        for test in inference.tests_before(first, unit.function)
        for text in _param_attributes(test, params)
    }
    if not tested:
        return ()
    found: list[str] = []
    for stmt in _statements(unit):
        for node in iter_nodes(stmt):
            text = _name_attribute(node)
            if text not in tested or text in found or _assigned(analyzer, node):
                continue
            if inference.narrowed(text, first, unit.function):
                found.append(text)
    return tuple(found)


def _param_attributes(root: cst.CSTNode, params: set[str]) -> set[str]:
    """The attributes of ``params`` (``user.picture``) read under ``root``."""
    texts = {_name_attribute(node) for node in iter_nodes(root)}
    return {text for text in texts if text.split(".")[0] in params}


def _name_attribute(node: cst.CSTNode) -> str:
    """``user.picture`` when ``node`` is an attribute of a name, else ""."""
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
        return f"{node.value.value}.{node.attr.value}"
    return ""


def _assigned(analyzer: Analyzer, node: cst.CSTNode) -> bool:
    """Whether ``node`` is what an assignment writes (``user.picture = None``), not a read."""
    parent = analyzer.index.parent(node)
    return isinstance(parent, (cst.AssignTarget, cst.AnnAssign)) and parent.target is node


def _param_types(
    analyzer: Analyzer,
    unit: Unit,
    inference: TypeInference,
    first: cst.BaseStatement,
    unknown: list[str],
) -> list[TypeInfo | None]:
    """The type of each parameter where the route binds it (None, noted in ``unknown``, when it
    is not known)."""
    assert unit.extraction is not None
    start = analyzer.index.line_col(first)
    scope = analyzer.index.scope_of(first)
    param_types: list[TypeInfo | None] = []

    def later(node: cst.CSTNode) -> bool:
        return analyzer.index.starts_at_or_after(node, start)

    for param in unit.extraction.params:
        info = None
        if param.positional and scope is not None:
            info = _binding_type(analyzer, inference, scope, param.name, later)
            if (
                info is not None
                and info.nullable
                and _none_ruled_out(inference, unit, param.name, first)
            ):
                info = replace(info, nullable=False)
            if info is not None and info.seen_as_any and _session_only(analyzer, unit, param.name):
                # (handed to the session alone, the model type cannot fail a checker)
                info = replace(info, seen_as_any=False)
            if info is None:  # `client = create_client(...)`: what the helper says it returns
                info = _binding_type(
                    analyzer, inference, scope, param.name, later, inference.helper_result
                )
                if info is not None and _none_ruled_out(inference, unit, param.name, first):
                    info = replace(info, not_none=True)
        if info is None:
            info = _passed_read_type(analyzer, unit, param.name)
        if info is None:
            unknown.append(f"parameter `{param.name}`")
            param_types.append(None)
        else:
            code, needs = inference.render(info)
            param_types.append(replace(info, code=code, needs=needs, nullable=False))
    return param_types


def _none_ruled_out(
    inference: TypeInference, unit: Unit, name: str, first: cst.BaseStatement
) -> bool:
    """Whether ``name`` is known not to be None where the unit starts (``first``): the route
    rules it out, or the moved code reads an attribute of it first."""
    return inference.narrowed(name, first, unit.function) or _dereferenced_first(
        _statements(unit), name
    )


#: the session's methods that take any mapped object
_SESSION_TAKES = frozenset({"add", "delete", "merge", "refresh", "expunge", "expire"})


def _session_only(analyzer: Analyzer, unit: Unit, name: str) -> bool:
    """Whether the moved code uses ``name`` only as the object of a session call
    (``db.session.delete(job)``)."""
    index = analyzer.index
    for stmt in _statements(unit):
        for node in index.subtree(stmt):
            if not (isinstance(node, cst.Name) and node.value == name):
                continue
            arg = index.parent(node)
            call = index.parent(arg) if isinstance(arg, cst.Arg) else None
            if not (
                isinstance(call, cst.Call)
                and isinstance(call.func, cst.Attribute)
                and call.func.attr.value in _SESSION_TAKES
                and index.is_session(call.func.value)
            ):
                return False
    return True


def _passed_read_type(analyzer: Analyzer, unit: Unit, param: str) -> TypeInfo | None:
    """The type of the framework read the route passes as ``param``, if it is one."""
    hoist = next((h for h in unit.hoists if h.param == param), None)
    return None if hoist is None else read_type(analyzer.index, hoist)


def _method_return_type(
    analyzer: Analyzer,
    unit: Unit,
    inference: TypeInference,
    last: cst.BaseStatement,
    unknown: list[str],
) -> TypeInfo | None:
    """The service method's return type: the returned values' types, after the status flag
    when the unit has an early exit."""
    assert unit.extraction is not None
    scope = analyzer.index.scope_of(unit.block.body[unit.start])
    returned: list[TypeInfo] = []
    if unit.extraction.returns:
        after = _after(analyzer, last)
        for name in unit.extraction.returns:
            skipped = after
            assigned = _last_plain_assignment(unit, name)
            if assigned is not None:
                # The unit assigns the name on every path: what the route bound before (a
                # lookup, `user = ...` then `user = User(...)`) is not what it returns.
                start = analyzer.index.line_col(assigned)
                skipped = _outside(analyzer, after, start)
            info = (
                _binding_type(analyzer, inference, scope, name, skipped)
                if scope is not None
                else None
            )
            if info is None:
                unknown.append(f"returned `{name}`")
            elif unit.extraction.none_on_exit:  # (the early exit returns None)
                returned.append(replace(info, nullable=True))
            elif info.nullable and _rules_out_none(inference, unit, assigned, name):
                returned.append(replace(info, nullable=False))
            else:
                returned.append(info)
    return_type = _return_type(returned, len(unit.extraction.returns), inference)
    if unit.extraction.status and return_type is not None:
        # The method first returns whether it committed (an early exit returns False).
        if return_type.code == "None":
            return TypeInfo("bool")
        inner = return_type.code.removeprefix("tuple[").removesuffix("]")
        inner = inner if len(unit.extraction.returns) > 1 else return_type.code
        return TypeInfo(f"tuple[bool, {inner}]", return_type.needs)
    return return_type


def _rules_out_none(
    inference: TypeInference, unit: Unit, assigned: cst.BaseStatement | None, name: str
) -> bool:
    """Whether the unit's statements after ``assigned``, the last that binds ``name`` on every
    path, rule out its being None as a type checker reads them (``if job is None: raise ...``,
    ``assert job``): the method then returns ``Job``, not ``Job | None``."""
    if assigned is None:
        return False
    body = list(unit.block.body[unit.start : unit.end + 1])
    after = body[next(i for i, stmt in enumerate(body) if stmt is assigned) + 1 :]
    return inference.guards_none(after, name)


def _last_plain_assignment(unit: Unit, name: str) -> cst.SimpleStatementLine | None:
    """The last statement of the unit's own block that assigns ``name`` plainly (``user =
    User(...)``, ``user: User = ...``): every path through the unit runs it."""
    found = None
    for stmt in unit.block.body[unit.start : unit.end + 1]:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            targets: list[cst.BaseExpression] = []
            if isinstance(small, cst.Assign):
                targets = [t.target for t in small.targets]
            elif isinstance(small, cst.AnnAssign) and small.value is not None:
                targets = [small.target]
            if any(isinstance(t, cst.Name) and t.value == name for t in targets):
                found = stmt
    return found


def _outside(
    analyzer: Analyzer, after: Callable[[cst.CSTNode], bool], start: tuple[int, int]
) -> Callable[[cst.CSTNode], bool]:
    """Whether a node comes after the point of interest (``after``) or starts before ``start``."""
    index = analyzer.index
    return lambda node: after(node) or not index.starts_at_or_after(node, start)


def _after(analyzer: Analyzer, last: cst.BaseStatement) -> Callable[[cst.CSTNode], bool]:
    """Whether a node of the route function starts where ``last`` (a statement of one of its
    blocks) ends or later."""
    index = analyzer.index
    if not END_FROM_START:
        end = index.end_of(last)
        return lambda node: index.starts_at_or_after(node, end)
    # Where `last` ends costs the code of the whole statement; where it starts, none. A node
    # starts at its end or later when it is not in it and does not start before it.
    start = index.line_col(last)
    return lambda node: not index.is_within(node, last) and index.starts_at_or_after(node, start)


def _binding_type(
    analyzer: Analyzer,
    inference: TypeInference,
    scope: object,
    name: str,
    later: Callable[[cst.CSTNode], bool],
    of_binding: Callable[[cst.CSTNode], TypeInfo | None] | None = None,
) -> TypeInfo | None:
    """The type every binding of ``name`` in the route function agrees on (each read by
    ``of_binding``, by default ``inference.of_binding``), but those that ``later`` says come
    after the point of interest; for a name the function does not bind, what every module-level
    binding agrees on (``report_service = ReportService()``, an instance the module's routes
    share: bound at import, before any request)."""
    assignments = getattr(scope, "assignments", None)
    if assignments is None:
        return None
    if name not in assignments:
        module_scope = analyzer.index.module_scope
        if scope is module_scope or module_scope is None:
            return None
        return _binding_type(
            analyzer, inference, module_scope, name, lambda node: False, of_binding
        )
    read = of_binding or (lambda node: inference.of_binding(node, 0))
    bindings: list[cst.CSTNode] = []
    for assignment in assignments[name]:
        if not isinstance(assignment, Assignment) or isinstance(assignment, ImportAssignment):
            return None
        if not later(assignment.node):
            bindings.append(assignment.node)
    found: list[TypeInfo | None] = []
    maybe_none = False  # `label = None` before `label = request.form["label"]`
    for node in inference.governing(bindings):
        if inference.binds_none(node):
            maybe_none = True
            continue
        found.append(read(node))
    if not found or any(info is None for info in found):
        return None
    if any(info != found[0] for info in found):
        return None
    first = found[0]
    assert first is not None
    if not maybe_none or first.dynamic:
        return first
    # (a helper's result is read by the plan, which cannot add None to it)
    return None if first.call_result else replace(first, nullable=True)


def _return_type(returned: list[TypeInfo], count: int, inference: TypeInference) -> TypeInfo | None:
    if count == 0:
        return TypeInfo("None")
    if len(returned) != count:
        return None
    rendered = [inference.render(info) for info in returned]
    if count == 1:
        code, needs = rendered[0]
        return replace(returned[0], code=code, needs=needs, nullable=False)
    needs = tuple(need for _, infos in rendered for need in infos)
    dynamic = any(info.dynamic for info in returned)
    return TypeInfo(f"tuple[{', '.join(code for code, _ in rendered)}]", needs, dynamic=dynamic)


def _method_comments(unit: Unit, first: cst.BaseStatement) -> tuple[str, ...]:
    """The comments the method's first statement carries: those right above the unit's first
    statement, or, for a unit that is a ``try`` the method holds without it (no handler rolls
    back), every comment above the first statement of its body, which nothing else keeps."""
    if unit.branch_test is not None:
        return ()
    if unit.split is None:
        return _leading_comments(first)
    node = unit.try_node
    if first is not node or node is None or unit.service_holds_try():
        return ()
    body = split_try_body(node, unit.try_tail)[0]
    lines = getattr(body[0], "leading_lines", ()) if body else ()
    return tuple(code_of_comment(line) for line in lines if line.comment is not None)


def _leading_comments(stmt: cst.BaseStatement) -> tuple[str, ...]:
    """The comment lines written right above ``stmt`` (no blank line between): they describe it."""
    lines = list(getattr(stmt, "leading_lines", ()))
    comments: list[str] = []
    for line in reversed(lines):
        if line.comment is None:
            break
        comments.append(code_of_comment(line))
    return tuple(reversed(comments))


def _heading(stmt: cst.BaseStatement) -> str:
    """The comment line nearest above ``stmt``, blank lines between or not: the title the
    route's author gave the block that starts there."""
    for line in reversed(getattr(stmt, "leading_lines", ())):
        if line.comment is not None:
            return code_of_comment(line)
    return ""


def code_of_comment(line: cst.EmptyLine) -> str:
    """The text of a comment line (``# ...``)."""
    assert line.comment is not None
    return line.comment.value
