"""Lines holding only a backslash before a statement, which LibCST's parser drops.

Python reads such a line as joined to the next one, so ``x = 1`` after it is a statement like any
other. LibCST's parser drops the line instead (its tree prints without it), so every LibCST line
after it is one too early, and a statement right after an indented block moves into that block.
:func:`blank_continuations` gives LibCST the same text with those lines left blank: the same
statements, on the lines Python and the file give them. The tree then does not print the file
back byte for byte, so a rewrite of such a file is still refused (``formatting-loss``).
"""

from __future__ import annotations

import ast
import re
import warnings

#: a line continuation before the first token of a statement (a line holding only a backslash)
LEADING_CONTINUATION = re.compile(rb"^[ \t\f]*\\(\r\n|\r|\n)", re.MULTILINE)

#: a line's leading whitespace, as the tokenizer skips it
_INDENT = re.compile(rb"[ \t\f]*")


def _statement_starts(tree: ast.Module) -> set[tuple[int, int]]:
    """(line, column) of the first token of every statement and decorator."""
    starts: set[tuple[int, int]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt):
            starts.add((node.lineno, node.col_offset))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            # `@` is one column before the decorator's expression
            starts.update((d.lineno, d.col_offset - 1) for d in node.decorator_list)
    return starts


def _parsed(raw: bytes) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(raw)
    except (SyntaxError, ValueError):
        return None


def _blankable(raw: bytes, line: re.Match[bytes], starts: set[tuple[int, int]]) -> bool:
    """Whether the backslash-only ``line`` comes right before (or in a run of such lines before)
    a line whose first token starts a statement, at the indentation Python reads it with, or
    ends the file."""
    offset = line.end()
    following = LEADING_CONTINUATION.match(raw, offset)
    while following is not None:
        offset = following.end()
        following = LEADING_CONTINUATION.match(raw, offset)
    if not raw[offset:].strip():
        return True  # the file's end: CPython joins the line to nothing (with a CRLF break)
    indent = _INDENT.match(raw, offset)
    column = indent.end() - offset if indent else 0
    own_column = line.end() - line.start() - len(line.group(1)) - 1
    # ast's columns count UTF-8 bytes, as these do. An indented backslash line sets the
    # statement's indentation itself: blanking it must not change that.
    return (raw.count(b"\n", 0, offset) + 1, column) in starts and own_column in (0, column)


def _same_tree(before: ast.Module, after: bytes) -> bool:
    tree = _parsed(after)
    return tree is not None and ast.dump(tree, include_attributes=True) == ast.dump(
        before, include_attributes=True
    )


def blank_continuations(raw: bytes) -> bytes:
    """``raw`` with every backslash-only line before a statement reduced to its line break: the
    bytes themselves when there is none, when Python cannot parse them, or when Python would
    not read the result as the same statements at the same places."""
    if LEADING_CONTINUATION.search(raw) is None:
        return raw
    tree = _parsed(raw)
    if tree is None:
        return raw
    starts = _statement_starts(tree)
    pieces: list[bytes] = []
    kept = 0
    for line in LEADING_CONTINUATION.finditer(raw):
        if _blankable(raw, line, starts):
            pieces += [raw[kept : line.start()], line.group(1)]
            kept = line.end()
    if not pieces:
        return raw
    pieces.append(raw[kept:])
    blanked = b"".join(pieces)
    return blanked if _same_tree(tree, blanked) else raw
