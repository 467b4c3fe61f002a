"""Small LibCST helpers every codemod needs: the names an expression spells, a statement's blank lines.

One copy here, so codemods cannot drift apart on what ``a.b.c`` or "the last name" of an expression is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import libcst as cst


def dotted(node: cst.CSTNode | None) -> str:
    """``a.b.c`` for a Name/Attribute chain; ``""`` for anything else (a call, a subscript, None)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr.value}" if head else ""
    return ""


def last_name(node: cst.CSTNode | None, *, through_subscript: bool = True) -> str:
    """The last identifier of a Name/Attribute chain, of a call's callee or of a subscript's value.

    ``a.b`` → ``b``, ``f(x)`` → ``f``, ``Repo[Job]`` → ``Repo``; ``""`` when there is none. With
    ``through_subscript=False`` a subscript has no name (``Repo[Job]`` → ``""``), for callers whose
    facts were defined that way.
    """
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Call):
        return last_name(node.func, through_subscript=through_subscript)
    if isinstance(node, cst.Subscript) and through_subscript:
        return last_name(node.value)
    return ""


def single_assignment(
    stmt: cst.BaseStatement,
) -> tuple[cst.BaseExpression, cst.BaseExpression | None] | None:
    """Target and value of a line that is one assignment to one target: ``x = v`` or ``x: T = v``
    (``x: T`` gives ``(x, None)``); None for anything else (``a = b = v``, ``x = 1; y = 2``)."""
    if not (isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) == 1):
        return None
    small = stmt.body[0]
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        return small.targets[0].target, small.value
    if isinstance(small, cst.AnnAssign):
        return small.target, small.value
    return None


def is_annotated(function: cst.FunctionDef) -> bool:
    """Whether ``function`` annotates a parameter or its return: a type checker reads its body
    (mypy skips the body of a function with no annotation at all)."""
    params = function.params
    every = [*params.posonly_params, *params.params, *params.kwonly_params]
    every += [star for star in (params.star_arg, params.star_kwarg) if isinstance(star, cst.Param)]
    return function.returns is not None or any(p.annotation is not None for p in every)


def split_blank_lines(
    lines: Sequence[cst.EmptyLine],
) -> tuple[list[cst.EmptyLine], list[cst.EmptyLine]]:
    """(the blank lines opening ``lines``, the rest): a statement's comments stay with it when the
    blank lines above it are moved or dropped."""
    count = 0
    while count < len(lines) and lines[count].comment is None:
        count += 1
    return list(lines[:count]), list(lines[count:])


def kept_statements(
    pairs: Iterable[tuple[cst.BaseStatement, cst.BaseStatement | None]], top: bool
) -> list[cst.BaseStatement]:
    """The statements of a block after some were removed (each original with its replacement,
    None when removed), losing none of the removed ones' leading blank lines and comments: they
    go to the next kept statement that has none of its own. In a module (``top``), the statement
    that becomes the first does not open the file with the blank line that followed a removed
    first one."""
    kept: list[cst.BaseStatement] = []
    carried: Sequence[cst.EmptyLine] = ()
    removed_first = False
    for original, new in pairs:
        if new is None:
            carried = carried or _leading_lines(original)
            removed_first = removed_first or not kept
            continue
        if top and removed_first and not kept:
            _blanks, rest = split_blank_lines(_leading_lines(new))
            new = new.with_changes(leading_lines=[*carried, *rest])
        elif carried and not _leading_lines(new):
            new = new.with_changes(leading_lines=carried)
        carried = ()
        kept.append(new)
    return kept


def _leading_lines(stmt: cst.BaseStatement) -> Sequence[cst.EmptyLine]:
    """A statement's own leading blank lines and comments (every statement has them)."""
    lines: Sequence[cst.EmptyLine] = getattr(stmt, "leading_lines", ())
    return lines
