"""A module with the bodies of the functions an analysis does not read left out, at the same positions.

LibCST's parse, scopes and positions cost in proportion to the code they see; an analysis that only
reads some functions of a module (and the module- and class-level code around them) can run on a
smaller module instead. :func:`reduce_source` replaces the body of every other function by ``...``
on the body's first line and empty lines after it, so every line and column of the code kept is
unchanged: positions, snippets and line numbers read from the smaller module are those of the file.

The caller decides which functions its analysis reads (and must keep whatever it cannot tell);
anything unusual about the file (not UTF-8, a byte-order mark, a result that does not parse) gives
None, and the caller analyses the whole module.
"""

from __future__ import annotations

import ast
import codecs
import re
from collections.abc import Callable, Iterator

from backfix.source import python_tree

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

#: the line breaks of Python's tokenizer (``bytes.splitlines`` breaks at the same three)
_LINE_BREAK = re.compile(rb"\r\n|\r|\n")
_BLANKS = b" \t\f"
#: PEP 263's encoding declaration, in the first two lines
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")


def outer_functions(node: ast.AST) -> Iterator[FunctionNode]:
    """The functions in ``node`` that are not inside another function: at module level, in class
    bodies, in ``if``/``try``/``with``/loop/``match`` blocks."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield child
        elif isinstance(child, (ast.stmt, ast.excepthandler, ast.match_case)):
            yield from outer_functions(child)


def _terminator(line: bytes) -> bytes:
    """The line break ending ``line`` (empty on a last line without one)."""
    if line.endswith(b"\r\n"):
        return b"\r\n"
    if line.endswith((b"\n", b"\r")):
        return line[-1:]
    return b""


def _blank_body(lines: list[bytes], function: FunctionNode) -> bool:
    """Replace the body of ``function`` in ``lines``; False (nothing changed) when its body starts
    on a line with other code before it (``def f(): return 1``)."""
    first, last = function.body[0], function.body[-1]
    if last.end_lineno is None:
        return False
    line = lines[first.lineno - 1]
    indent = line[: first.col_offset]
    if indent.strip(_BLANKS):
        return False
    lines[first.lineno - 1] = indent + b"..." + _terminator(line)
    for number in range(first.lineno, last.end_lineno):
        lines[number] = _terminator(lines[number])
    return True


def _readable(raw: bytes) -> bool:
    """UTF-8 without a byte-order mark: `ast` columns (UTF-8 bytes of each line) index ``raw``."""
    if raw.startswith(codecs.BOM_UTF8):
        return False
    if not raw.isascii():
        for line in raw.splitlines()[:2]:
            found = _CODING.match(line)
            if found and found.group(1).lower().replace(b"_", b"-") not in {b"utf-8", b"utf8"}:
                return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def reduce_source(
    raw: bytes, tree: ast.Module, keep: Callable[[FunctionNode], bool]
) -> bytes | None:
    """``raw`` with the body of every outer function ``keep`` rejects left out, every line and
    column of the rest unchanged; the functions inside a kept one are kept whole.

    ``tree`` is ``ast`` of ``raw``. Returns ``raw`` itself when no body was left out, and None when
    the file is not plain UTF-8 or the result would not parse.
    """
    reduced = reduce_source_tree(raw, tree, keep)
    return None if reduced is None else reduced[0]


def reduce_source_tree(
    raw: bytes, tree: ast.Module, keep: Callable[[FunctionNode], bool]
) -> tuple[bytes, ast.Module] | None:
    """:func:`reduce_source` and `ast` of what it returns (``tree`` itself for ``raw``)."""
    if not _readable(raw):
        return None
    lines = raw.splitlines(keepends=True)
    changed = False
    for function in outer_functions(tree):
        if not keep(function) and _blank_body(lines, function):
            changed = True
    if not changed:
        return raw, tree
    reduced = b"".join(lines)
    if len(_LINE_BREAK.findall(reduced)) != len(_LINE_BREAK.findall(raw)):
        return None
    reduced_tree = python_tree(reduced)
    return None if reduced_tree is None else (reduced, reduced_tree)
