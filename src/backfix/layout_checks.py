"""Continuation lines as the project's pycodestyle or flake8 reads them, in a file that follows no
formatter.

A fix that makes the start of a statement longer (``User.query.filter_by(`` →
``db.session.scalars(db.select(User).filter_by(``) moves the brackets its continuation lines were
aligned with, and one that wraps a backslash-continued chain in a call leaves the backslashes
redundant inside brackets. pycodestyle then reports lines that were clean before (E127/E128,
E502...). :func:`layout_checks` reads which of these checks the project runs (its ``select``,
``ignore`` and ``extend-ignore`` in ``.flake8``, ``setup.cfg``, ``tox.ini`` or ``.pycodestyle``, else
pycodestyle's defaults), and :meth:`LayoutChecks.warnings` runs just those checks, through
pycodestyle itself, so that what counts as a broken continuation line is exactly what the
project's linter says.
"""

from __future__ import annotations

import functools
import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pycodestyle

from backfix.lint_settings import LINT_FILES, LINT_SECTIONS, lint_config
from backfix.pragmas import Comment, comments, silences

#: the checks a fix can newly fail by moving brackets, backslashes and operators between lines
LAYOUT_CODES = (
    "E121",
    "E122",
    "E123",
    "E124",
    "E125",
    "E126",
    "E127",
    "E128",
    "E129",
    "E131",
    "E502",
    "W503",
    "W504",
)

#: the search stops at the repository's root: a sub-project's ``setup.py`` may be linted from above
_ROOT_MARKER = ".git"

#: tokens between code tokens, and the brackets after which an operator is unary
_LAYOUT_TOKENS = frozenset(
    {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT}
)
_OPENING = frozenset("([{,;")
#: operator tokens pycodestyle does not count as binary operators (``%`` by convention)
_NOT_BINARY = frozenset("()[]{},:.;@=%~") | {"..."}


#: the start of a noqa comment's word: replaced by ``_`` to hide the comment from pycodestyle
_NOQA = re.compile(r"(#\s*)n(?=oqa\b)", re.IGNORECASE)


def _codes(value: str) -> tuple[str, ...]:
    """The codes (or code prefixes) of a comma- or whitespace-separated option value."""
    return tuple(value.replace(",", " ").split())


@dataclass(frozen=True)
class LintOptions:
    """The ``select``, ``ignore`` and ``extend-ignore`` a project sets (None: not set)."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] | None = None
    extend_ignore: tuple[str, ...] = ()

    def checks(self, code: str) -> bool:
        """Whether the project's linter reports ``code``, as pycodestyle and flake8 decide."""
        if self.select is not None:
            return code.startswith(self.select)
        ignored = (
            self.ignore if self.ignore is not None else tuple(pycodestyle.DEFAULT_IGNORE.split(","))
        )
        return not code.startswith((*ignored, *self.extend_ignore))


def _options_in(path: Path) -> LintOptions | None:
    """The options of the first flake8/pycodestyle section of ``path`` (None: it has none)."""
    parser = lint_config(path)
    if parser is None:
        return None
    for section in LINT_SECTIONS:
        if not parser.has_section(section):
            continue

        def value(*names: str, section: str = section) -> str | None:
            for name in names:
                if parser.has_option(section, name):
                    return parser.get(section, name)
            return None

        select = value("select")
        ignore = value("ignore")
        return LintOptions(
            select=_codes(select) if select is not None else None,
            ignore=_codes(ignore) if ignore is not None else None,
            extend_ignore=_codes(value("extend-ignore", "extend_ignore") or ""),
        )
    return None


@functools.lru_cache(maxsize=64)
def lint_options(folder: Path) -> LintOptions:
    """The options of the nearest flake8/pycodestyle configuration up to the repository's root."""
    for directory in (folder, *folder.parents):
        for name in LINT_FILES:
            if (directory / name).is_file():
                options = _options_in(directory / name)
                if options is not None:
                    return options
        if (directory / _ROOT_MARKER).exists():
            break
    return LintOptions()


@dataclass(frozen=True)
class LayoutChecks:
    """The layout checks (of :data:`LAYOUT_CODES`) that a project's linter runs."""

    codes: tuple[str, ...]

    def warnings(self, text: str) -> list[tuple[int, str]]:
        """(line, code) of every warning of these checks in ``text``, top to bottom."""
        if not self.codes:
            return []
        return _check(text, self.codes)

    @property
    def breaks_after_operators(self) -> bool:
        """Whether a line may end in a binary operator but not start with one (W503 checked,
        W504 not)."""
        return "W503" in self.codes and "W504" not in self.codes


def layout_checks(folder: Path) -> LayoutChecks:
    """The layout checks the project holding ``folder`` runs."""
    options = lint_options(folder)
    return LayoutChecks(tuple(code for code in LAYOUT_CODES if options.checks(code)))


class _Collected(pycodestyle.BaseReport):  # type: ignore[misc]
    """A pycodestyle report that keeps (line, code) instead of printing."""

    def __init__(self, options: object) -> None:
        super().__init__(options)
        self.found: list[tuple[int, str]] = []

    def error(self, line_number: int, offset: int, text: str, check: object) -> str | None:
        """Keep one warning (pycodestyle has already left out the unselected codes)."""
        code: str | None = super().error(line_number, offset, text, check)
        if code:
            self.found.append((line_number, code))
        return code


@functools.lru_cache(maxsize=8)
def _style(codes: tuple[str, ...]) -> pycodestyle.StyleGuide:
    # Selecting the codes also leaves every other check function out of the run.
    return pycodestyle.StyleGuide(select=list(codes), quiet=True, reporter=_Collected)


def _check(text: str, codes: tuple[str, ...]) -> list[tuple[int, str]]:
    lines = text.splitlines(keepends=True)
    noqa = _noqa_comments(text)
    for comment in noqa.values():
        # pycodestyle drops every warning of a statement with a noqa comment on any of its lines;
        # flake8, as the project runs it, only those its line's comment silences.
        line = lines[comment.row - 1]
        lines[comment.row - 1] = line[: comment.col] + _NOQA.sub(r"\1_", line[comment.col :])
    style = _style(codes)
    report = _Collected(style.options)
    checker = pycodestyle.Checker(lines=lines, options=style.options, report=report)
    checker.check_all()
    return sorted(
        (row, code)
        for row, code in report.found
        if row not in noqa or not silences(noqa[row].text, code)
    )


def _noqa_comments(text: str) -> dict[int, Comment]:
    """The comments of ``text`` holding a ``noqa``, by line."""
    if "noqa" not in text.lower():
        return {}
    return {c.row: c for c in comments(text) or [] if _NOQA.search(c.text)}


def _breaks_before(
    tokens: list[tokenize.TokenInfo],
) -> list[tuple[tokenize.TokenInfo, tokenize.TokenInfo]]:
    """(operator, the code token before it) for each binary operator that starts a line (W503)."""
    found: list[tuple[tokenize.TokenInfo, tokenize.TokenInfo]] = []
    previous: tokenize.TokenInfo | None = None
    for token in tokens:
        if token.type in _LAYOUT_TOKENS:
            continue
        if (
            previous is not None
            and _is_binary_operator(token)
            and token.start[0] > previous.end[0]
            and previous.string not in _OPENING
            and not _is_binary_operator(previous)
        ):
            found.append((token, previous))
        previous = token
    return found


def _is_binary_operator(token: tokenize.TokenInfo) -> bool:
    # as pycodestyle's W503 check reads an operator (its own helper for this is private)
    return (token.type == tokenize.OP or token.string in ("and", "or")) and (
        token.string not in _NOT_BINARY
    )


def operators_to_line_ends(text: str) -> str:
    """``text`` (whole statements) with each binary operator that starts a line moved to the end of
    the line before, where no comment ends that line. Black and ruff break before operators; a
    project that checks W503 but not W504 wants the break after them."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return text
    lines = text.splitlines(keepends=True)
    # Bottom up: a move only shifts the columns of later tokens on the operator's own line.
    for operator, before in reversed(_breaks_before(tokens)):
        row, col = operator.start
        previous_row, end = before.end
        rest = lines[previous_row - 1][end:]
        if rest.strip() or lines[row - 1][operator.end[1] :].strip() == "":
            continue  # a comment (or a backslash) ends the line before; or nothing follows
        line = lines[row - 1]
        lines[row - 1] = line[:col] + line[operator.end[1] :].lstrip(" ")
        lines[previous_row - 1] = lines[previous_row - 1][:end] + " " + operator.string + rest
    return "".join(lines)


def closing_brackets_dangle(text: str) -> bool:
    """Whether the file puts the closing bracket of a bracket that spans lines on a line of its
    own (``)`` under the statement, as black and ruff format do) at least as often as at the end
    of the last item (``...data)``), as a file that follows no formatter may. True for a file
    with no such bracket, or one that does not tokenize."""
    try:
        closings = list(_multiline_closings(text))
    except (tokenize.TokenError, SyntaxError):
        return True
    dangling = sum(closings)
    return dangling >= len(closings) - dangling


def _multiline_closings(text: str) -> Iterator[bool]:
    """For each closing bracket whose opening one is on an earlier line: whether it starts its
    line."""
    opened: list[int] = []  # the line of each open bracket
    line_start = True
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type in (tokenize.NL, tokenize.NEWLINE):
            line_start = True
            continue
        if token.type in (tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            continue
        if token.type == tokenize.OP and token.string in "([{":
            opened.append(token.start[0])
        elif token.type == tokenize.OP and token.string in ")]}" and opened:
            spans_lines = opened.pop() < token.start[0]
            if spans_lines:
                yield line_start
        line_start = False
