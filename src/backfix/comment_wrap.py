"""Own-line comments of code moved one or more indents deeper, rewrapped to the line length.

A formatter lays out moved code again, but leaves comments as they are: a comment written up to
the project's line length in a route goes past it in a service method, where it sits deeper, and
the project's line-length check (E501) reports it. Such a comment paragraph (consecutive ``# ``
lines above a statement or at a block's end) is rewrapped at its words, at its new indentation;
a paragraph that fits, one that did not fit where it was either (the project lets its comments
run long), a directive (``# noqa``, ``# type:``, ``# pragma``...) and a comment without a space
after ``#`` are kept as written.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import TypeVar

import libcst as cst

_Statement = TypeVar("_Statement", bound=cst.BaseStatement)

#: comments that tools read: never rewrapped
_DIRECTIVE = re.compile(r"#\s*(noqa|type:|pragma|fmt:|isort:|pylint:|mypy:|pyright:|ruff:|nosec)")
_INDENT = "    "


def rewrap_comments(
    node: _Statement, column: int, line_length: int, old_column: int = 0
) -> _Statement:
    """``node`` (a statement about to be placed with its first line at ``column``, moved from
    ``old_column``) with its comment paragraphs that would newly pass ``line_length``
    rewrapped."""
    shift = column - old_column
    rewrapped = node.visit(_Rewrap(column, line_length, shift))
    assert isinstance(rewrapped, type(node))
    return rewrapped


class _Rewrap(cst.CSTTransformer):
    def __init__(self, column: int, line_length: int, shift: int) -> None:
        super().__init__()
        self.columns = [column]
        self.line_length = line_length
        self.shift = shift

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> bool:
        indent = node.indent if node.indent is not None else _INDENT
        self.columns.append(self.columns[-1] + len(indent.expandtabs(8)))
        return True

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        footer = _rewrapped(updated_node.footer, self.columns.pop(), self.line_length, self.shift)
        return updated_node.with_changes(footer=footer)

    def on_leave(
        self, original_node: cst.CSTNodeT, updated_node: cst.CSTNodeT
    ) -> cst.CSTNodeT | cst.RemovalSentinel | cst.FlattenSentinel[cst.CSTNodeT]:
        lines = getattr(updated_node, "leading_lines", None)
        if isinstance(updated_node, cst.BaseStatement) and lines:
            rewrapped = _rewrapped(lines, self.columns[-1], self.line_length, self.shift)
            if rewrapped is not lines:
                updated_node = updated_node.with_changes(leading_lines=rewrapped)
        return super().on_leave(original_node, updated_node)


def _rewrapped(
    lines: Sequence[cst.EmptyLine], column: int, line_length: int, shift: int
) -> Sequence[cst.EmptyLine]:
    """``lines`` with each paragraph of comments that passes ``line_length`` at ``column``,
    and fitted ``shift`` columns further left, rewrapped; ``lines`` itself when none does."""
    if not any(_too_long(line, column, line_length) for line in lines):
        return lines
    result: list[cst.EmptyLine] = []
    paragraph: list[cst.EmptyLine] = []
    for line in [*lines, None]:
        if line is not None and _prose(line):
            paragraph.append(line)
            continue
        result += _reflowed(paragraph, column, line_length, shift)
        paragraph = []
        if line is not None:
            result.append(line)
    return result


def _too_long(line: cst.EmptyLine, column: int, line_length: int) -> bool:
    return line.comment is not None and column + len(line.comment.value) > line_length


def _prose(line: cst.EmptyLine) -> bool:
    """A comment line that may be rewrapped: ``# `` and words, no directive."""
    comment = line.comment
    return (
        comment is not None
        and comment.value.startswith("# ")
        and comment.value[2:].strip() != ""
        and not _DIRECTIVE.match(comment.value)
    )


def _reflowed(
    paragraph: list[cst.EmptyLine], column: int, line_length: int, shift: int
) -> list[cst.EmptyLine]:
    """The comment lines of ``paragraph`` rewrapped, when one of them passes the line length
    and all of them fitted where they were."""
    if not any(_too_long(line, column, line_length) for line in paragraph):
        return paragraph
    if any(_too_long(line, column - shift, line_length) for line in paragraph):
        return paragraph
    words = " ".join(line.comment.value[2:].strip() for line in paragraph if line.comment)
    width = max(line_length - column - 2, 20)
    wrapped = textwrap.wrap(words, width, break_long_words=False, break_on_hyphens=False)
    first = paragraph[0]
    return [first.with_changes(comment=cst.Comment(f"# {text}")) for text in wrapped]
