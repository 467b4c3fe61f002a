"""The text of a file the `ast` fast path reads: LibCST's positions and code from `ast` ranges.

LibCST counts columns in characters and `ast` in UTF-8 bytes; LibCST's text of a node holds the
parentheses that wrap it, `ast`'s range does not. :class:`_Source` converts, and raises
:class:`Unsure` where the text cannot tell for sure (then the LibCST scan runs).
"""

from __future__ import annotations

import ast
import io
import keyword
import re
import tokenize
from collections.abc import Iterator

from .model import Key

_LINE = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """``text``'s lines as LibCST counts them (``\\r\\n``, ``\\r`` or ``\\n`` ends one), without
    the regular expression where there is no ``\\r`` (most files: a tenth of the cost)."""
    return text.split("\n") if "\r" not in text else _LINE.split(text)


class Unsure(Exception):
    """The `ast` facts may differ from the LibCST scan's here: let the LibCST scan run."""


class _Source:
    """The file's lines: text of `ast` ranges, in LibCST's columns (characters, not bytes)."""

    def __init__(self, text: str) -> None:
        self.lines = split_lines(text)
        self.ascii = text.isascii()
        self.source = text
        #: the module, which the walk sets (statement starts are read from it where needed)
        self.tree: ast.Module | None = None
        self._statement_starts: set[tuple[int, int]] | None = None
        self._yields: list[int] | None = None  # the lines that write `yield`

    def statement_start(self, line: int, column: int) -> bool:
        """Whether a statement starts at (line, character column); the table is built once."""
        if self.tree is None:
            return False
        if self._statement_starts is None:
            self._statement_starts = {
                (node.lineno, self.column(node.lineno, node.col_offset))
                for node in _statements(self.tree.body, into_definitions=True)
            }
        return (line, column) in self._statement_starts

    def column(self, line: int, byte_column: int) -> int:
        """The character column of an `ast` (UTF-8 byte) column."""
        if self.ascii or byte_column == 0:
            return byte_column
        return len(self.lines[line - 1].encode()[:byte_column].decode(errors="replace"))

    def key(self, node: ast.expr | ast.stmt) -> Key:
        """LibCST's range of ``node``: start line, column, end line, column."""
        assert node.end_lineno is not None and node.end_col_offset is not None
        return (
            node.lineno,
            self.column(node.lineno, node.col_offset),
            node.end_lineno,
            self.column(node.end_lineno, node.end_col_offset),
        )

    def text(self, node: ast.expr) -> str:
        """The code of ``node`` as written (without parentheses around it)."""
        line, column, end_line, end_column = self.key(node)
        return self._between((line, column), (end_line, end_column))

    def dedented_text(self, node: ast.expr) -> str:
        """The code LibCST generates for a node over several lines on its own: its text, where
        continuation lines lose the indentation of the node's first line (LibCST keeps that as
        the block's, which a node generated on its own does not have) and newlines are ``\\n``."""
        if any(_continued(line) for line in self.lines[node.lineno - 1 : node.end_lineno]):
            raise Unsure("a line continuation in a node over several lines")
        if len(set(_LINE.findall(self.source))) > 1:
            raise Unsure("mixed line endings in a node over several lines")
        if any(_multiline_string(inner) for inner in ast.walk(node)):
            raise Unsure("a string over several lines")
        first = self.lines[node.lineno - 1]
        indent = first[: len(first) - len(first.lstrip())]
        lines = self.text(node).split("\n")
        rest = [line[len(indent) :] if line.startswith(indent) else line for line in lines[1:]]
        return "\n".join([lines[0], *rest])

    def may_yield(self, node: ast.stmt) -> bool:
        """Whether ``node``'s lines write ``yield`` at all (a cheap test before walking it)."""
        if self._yields is None:
            self._yields = [number for number, line in enumerate(self.lines, 1) if "yield" in line]
        end = node.end_lineno or node.lineno
        return any(node.lineno <= number <= end for number in self._yields)

    def starts_line(self, node: ast.stmt) -> bool:
        """Nothing but whitespace before ``node`` on its first line."""
        return not self.lines[node.lineno - 1][: self.column(node.lineno, node.col_offset)].strip()

    def written(self, node: ast.expr, parent: ast.AST | None) -> str:
        """The code of ``node`` with the parentheses that wrap it (LibCST's ``lpar``/``rpar``)
        and what stands inside them, as LibCST's positions give its text."""
        start = (node.lineno, self.column(node.lineno, node.col_offset))
        assert node.end_lineno is not None and node.end_col_offset is not None
        end = (node.end_lineno, self.column(node.end_lineno, node.end_col_offset))
        if parent is None or not _starts_with(parent, node):
            start, end = self._parenthesized(start, end)
        return self._between(start, end)

    def _parenthesized(
        self, start: tuple[int, int], end: tuple[int, int]
    ) -> tuple[tuple[int, int], tuple[int, int]]:
        """The range from the outermost parenthesis wrapping ``start``-``end`` to its pair."""
        while True:
            before = self._before(*start)
            if before is None or self.lines[before[0] - 1][before[1]] != "(":
                return start, end
            if not self._grouping(*before):
                return start, end
            after = self._after(*end)
            if after is None or self.lines[after[0] - 1][after[1]] != ")":
                return start, end
            start, end = before, (after[0], after[1] + 1)

    def _between(self, start: tuple[int, int], end: tuple[int, int]) -> str:
        (line, column), (end_line, end_column) = start, end
        if line == end_line:
            return self.lines[line - 1][column:end_column]
        middle = self.lines[line : end_line - 1]
        parts = [self.lines[line - 1][column:], *middle, self.lines[end_line - 1][:end_column]]
        return "\n".join(parts)

    def _before(self, line: int, column: int) -> tuple[int, int] | None:
        """The last character before (line, column) that is not whitespace; raises Unsure where
        a comment or a string may stand in between."""
        text = self.lines[line - 1][:column]
        while True:
            stripped = text.rstrip()
            if stripped:
                if stripped.endswith("\\"):
                    raise Unsure("a line continuation")
                return line, len(stripped) - 1
            line -= 1
            if line < 1:
                return None
            text = self.lines[line - 1]
            if "#" in text or '"""' in text or "'''" in text or text.rstrip().endswith("\\"):
                raise Unsure("a comment or string on an earlier line")

    def _after(self, line: int, column: int) -> tuple[int, int] | None:
        """The first character from (line, column) on that is not whitespace or a comment."""
        text = self.lines[line - 1]
        while True:
            rest = text[column:]
            stripped = rest.lstrip()
            if stripped and not stripped.startswith(("#", "\\")):
                return line, column + len(rest) - len(stripped)
            line += 1
            if line > len(self.lines):
                return None
            text, column = self.lines[line - 1], 0

    def _grouping(self, line: int, column: int) -> bool:
        """Whether the ``(`` at (line, column) groups an expression (not a call's, a class's or a
        function's parenthesis)."""
        if self.statement_start(line, column):
            return True  # `(f())` as a statement: the line before may end anything
        before = self._before(line, column)
        if before is None:
            return True
        text = self.lines[before[0] - 1][: before[1] + 1]
        char = text[-1]
        if char in ")]}\"'":
            return False
        if char.isalnum() or char == "_":
            word = re.search(r"\w+$", text)
            if word is not None and word.group() in {"match", "case"}:
                raise Unsure("a parenthesis after `match` or `case`: a call, or a soft keyword")
            return word is not None and keyword.iskeyword(word.group())
        return True


def _continued(line: str) -> bool:
    """A line ending in a backslash (a continuation, or one inside a string)."""
    return line.rstrip().endswith("\\")


def _multiline_string(node: ast.AST) -> bool:
    """A string literal or f-string whose text spans several lines."""
    return (
        isinstance(node, (ast.Constant, ast.JoinedStr))
        and (isinstance(node, ast.JoinedStr) or isinstance(node.value, (str, bytes)))
        and node.lineno != node.end_lineno
    )


def _starts_with(parent: ast.AST, node: ast.expr) -> bool:
    """``parent``'s own range starts where ``node``'s does: no parenthesis can be between."""
    return (
        getattr(parent, "lineno", None) == node.lineno
        and getattr(parent, "col_offset", None) == node.col_offset
    )


def _blocks(stmt: ast.stmt) -> Iterator[list[ast.stmt]]:
    """The statement lists inside ``stmt``, in source order."""
    for name in ("body", "handlers", "cases", "orelse", "finalbody"):
        value = getattr(stmt, name, None)
        if not value:
            continue
        if name in {"handlers", "cases"}:
            for clause in value:
                yield clause.body
        else:
            yield value


def _statements(body: list[ast.stmt], into_definitions: bool) -> Iterator[ast.stmt]:
    """Every statement in ``body`` and its blocks; into nested functions and classes or not."""
    for stmt in body:
        yield stmt
        if not into_definitions and isinstance(
            stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        ):
            continue
        for block in _blocks(stmt):
            yield from _statements(block, into_definitions)


def _one_literal(code: str) -> bool:
    """``code`` is one string literal (LibCST's ``SimpleString``), not an implicit concatenation."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    kinds = [t.type for t in tokens if t.type not in _LAYOUT_TOKENS]
    return kinds == [tokenize.STRING]


_LAYOUT_TOKENS = frozenset({tokenize.NEWLINE, tokenize.NL, tokenize.ENDMARKER, tokenize.COMMENT})


def _same_code(text: str, node: ast.expr) -> bool:
    """``text`` is the code of ``node`` (an f-string's inner positions can be off in `ast`)."""
    try:
        parsed = ast.parse(text.strip(), mode="eval").body
    except SyntaxError:
        return False
    return ast.dump(parsed) == ast.dump(node)
