"""A module with the bodies of the functions an analysis does not read left out, at the same positions.

LibCST's parse, scopes and positions cost in proportion to the code they see; an analysis that only
reads some functions of a module (and the module- and class-level code around them) can run on a
smaller module instead. :func:`reduce_source` replaces the body of every other function by ``...``
on the body's first line and empty lines after it, so every line and column of the code kept is
unchanged: positions, snippets and line numbers read from the smaller module are those of the file.

The caller decides which functions its analysis reads (and must keep whatever it cannot tell);
anything unusual about the file (not UTF-8, a byte-order mark, a result that does not parse) gives
None, and the caller analyses the whole module.

`ast` of the result is derived from the file's tree rather than parsed again: a body left out this
way is a body whose lines hold nothing else, so the result parses whenever the file does (its one
exception, a body that starts with a decorated definition whose decorators would stay above the
``...``, gives None), and its tree is the file's with each such body one ``...`` statement.
"""

from __future__ import annotations

import ast
import codecs
import copy
import re
from collections.abc import Callable, Iterator

from backfix.source import python_tree

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef

#: set True to parse every reduced text again instead of deriving its tree (the equivalence test
#: compares both).
REPARSE = False

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
    left_out = [
        function
        for function in outer_functions(tree)
        if not keep(function) and _blank_body(lines, function)
    ]
    if not left_out:
        return raw, tree
    reduced = b"".join(lines)
    if len(_LINE_BREAK.findall(reduced)) != len(_LINE_BREAK.findall(raw)):
        return None
    if REPARSE:
        reduced_tree = python_tree(reduced)
        return None if reduced_tree is None else (reduced, reduced_tree)
    if any(_is_decorated(function.body[0]) for function in left_out):
        return None  # `@decorator` above `...` does not parse
    return reduced, reduced_ast(tree, left_out)


def _is_decorated(statement: ast.stmt) -> bool:
    """A definition with decorators: `ast` has it start at ``def``/``class``, below them."""
    return bool(getattr(statement, "decorator_list", None))


#: an `ast` node's end: line and column
_End = tuple[int, int]


def reduced_ast(tree: ast.Module, left_out: list[FunctionNode]) -> ast.Module:
    """`ast` of the text :func:`reduce_source` makes of ``tree``'s when it leaves out the bodies
    of ``left_out`` (each one ``...`` where its first statement was): what ``ast.parse`` of that
    text gives, without parsing it. ``tree`` is not changed; the new tree shares its nodes but
    for the functions left out and the statements around them."""
    replaced: dict[int, ast.AST] = {}
    ends: dict[_End, _End] = {}
    for function in left_out:
        first = function.body[0]
        line, column = first.lineno, first.col_offset
        value = ast.Constant(...)
        statement = ast.Expr(value)
        for node in (value, statement):
            node.lineno, node.col_offset = line, column
            node.end_lineno, node.end_col_offset = line, column + 3
        short = copy.copy(function)
        short.body = [statement]
        ends[_end(function)] = (line, column + 3)
        replaced[id(function)] = short
    rebuilt = _rebuilt(tree, replaced, ends)
    assert isinstance(rebuilt, ast.Module)
    return rebuilt


def _end(node: ast.AST) -> _End:
    return getattr(node, "end_lineno", 0), getattr(node, "end_col_offset", 0)


def _rebuilt(node: ast.AST, replaced: dict[int, ast.AST], ends: dict[_End, _End]) -> ast.AST:
    """``node`` with the functions in ``replaced`` (by ``id``) replaced below it, as the walk
    of :func:`outer_functions` finds them; a copy where something below changed, and then ending
    where its last statement now ends (``ends``: old end to new end)."""
    if id(node) in replaced:
        found = replaced[id(node)]
    elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return node  # a function kept whole: nothing below it is left out
    else:
        changes: dict[str, list[ast.AST]] = {}
        for name, value in ast.iter_fields(node):
            if type(value) is not list:
                continue
            new = [
                _rebuilt(item, replaced, ends)
                if isinstance(item, (ast.stmt, ast.excepthandler, ast.match_case))
                else item
                for item in value
            ]
            if any(a is not b for a, b in zip(new, value, strict=True)):
                changes[name] = new
        if not changes:
            return node
        found = copy.copy(node)
        for name, new in changes.items():
            setattr(found, name, new)
    end = ends.get(_end(found))
    if end is not None:
        found.end_lineno, found.end_col_offset = end  # type: ignore[attr-defined]
    return found
