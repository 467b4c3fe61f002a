"""Pragma comments (``# noqa``, ``# type: ignore``...) through formatting: they govern the physical
line they end, so a statement that formatting spreads over several lines must not carry them off
the code they govern.

Two things live here:

* *Placement*: when formatting wraps a one-line statement that ends in a pragma comment (the
  formatter leaves it after the closing bracket), a ``# noqa: CODES`` goes to the line where ruff
  reports those codes, and a bare ``# noqa`` to the line where ruff reports everything it reported
  on the one-line statement; any other pragma, or a noqa ruff cannot place, keeps its statement on
  one line as the codemod wrote it, and the caller names the line.
* *Masking*: black counts a pragma comment towards the line width and ruff does not. To format like
  black, each pragma comment is disguised as an ordinary comment of the same width while ruff runs.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from backfix.format_settings import PRAGMA_COMMENT

Span = tuple[int, int]
#: a name, number or string character: code that is more than brackets and commas
_HAS_CODE = re.compile(r"[\w'\"]")
#: a statement's first and last rows in one text, then in another
Span4 = tuple[int, int, int, int]
#: a noqa comment with codes (``E712, E711`` or ``E712 E711`` after the colon): the codes it silences
_NOQA_CODES = re.compile(r"#\s*noqa\s*:\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
#: a noqa comment that names no codes: it silences everything reported on its line
_BARE_NOQA = re.compile(r"#\s*noqa\s*", re.IGNORECASE)
#: a noqa comment of any kind, also after another comment on its line
_ANY_NOQA = re.compile(r"#\s*noqa\b", re.IGNORECASE)
#: reports on a bare noqa's line that are not what it silences: the line's length, which wrapping
#: changes, and ruff's own remark on the bare noqa itself
_NOT_CODE = frozenset({"E501", "W505", "PGH004"})

#: ``(text, codes)`` → the rows (1-based) where ruff reports each code, or None when ruff does not
#: know one of the codes
CheckFn = Callable[[str, Sequence[str]], "dict[str, set[int]] | None"]
#: ``(text, span)`` → ``text`` with the statement on lines ``span`` formatted
FormatFn = Callable[[str, Span], str]


# --- comments --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Comment:
    """One comment token: its 1-based row, 0-based column and text (trailing blanks stripped)."""

    row: int
    col: int
    text: str


def comments(text: str) -> list[Comment] | None:
    """The comments of ``text`` in order, or None when it does not tokenize."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    return [
        Comment(tok.start[0], tok.start[1], tok.string.rstrip())
        for tok in tokens
        if tok.type == tokenize.COMMENT
    ]


def is_pragma(comment: str) -> bool:
    """True when ``comment`` is or ends in a pragma comment, one that governs its line."""
    return PRAGMA_COMMENT.search(comment) is not None


def _replaced(text: str, edits: Iterable[tuple[Comment, str]]) -> str:
    """``text`` with each comment of ``edits`` replaced by its new text."""
    lines = text.splitlines(keepends=True)
    for comment, new in edits:
        line = lines[comment.row - 1]
        end = comment.col + len(comment.text)
        lines[comment.row - 1] = line[: comment.col] + new + line[end:]
    return "".join(lines)


# --- masking, for black's line width --------------------------------------------------------------------


def _masked(comment: str) -> str:
    """``comment`` with the first letter of its pragma word replaced: same width, no pragma."""
    match = PRAGMA_COMMENT.search(comment)
    assert match is not None
    at = match.start(1)
    return comment[:at] + "_" + comment[at + 1 :]


@dataclass(frozen=True)
class Masked:
    """A text whose pragma comments are disguised, and what :meth:`restore` needs to undo it."""

    text: str
    originals: dict[int, tuple[str, str]] = field(default_factory=dict)

    def restore(self, formatted: str) -> str | None:
        """``formatted`` (``text`` as a formatter rewrote it) with the pragma comments back, or None
        when the formatter did not keep the comments as they were."""
        if not self.originals:
            return formatted
        found = comments(formatted)
        if found is None or len(found) < max(self.originals) + 1:
            return None
        edits = []
        for index, (masked, original) in self.originals.items():
            if found[index].text != masked:
                return None
            edits.append((found[index], original))
        return _replaced(formatted, edits)


def mask_pragmas(text: str) -> Masked:
    """``text`` with every pragma comment disguised as a plain comment of the same width, so that
    ruff counts it towards the line length as black does."""
    found = comments(text) or []
    originals = {i: (_masked(c.text), c.text) for i, c in enumerate(found) if is_pragma(c.text)}
    edits = [(found[i], masked) for i, (masked, _) in originals.items()]
    return Masked(_replaced(text, edits), originals)


# --- placement after formatting -------------------------------------------------------------------------


@dataclass(frozen=True)
class Displaced:
    """A pragma comment that ended a one-line statement (``row`` of the unformatted text) and that
    formatting left at ``comment`` of the statement it spread over ``span``; or, with ``source``
    (the rows of a statement of several lines in the unformatted text), the first pragma comment
    of such a statement, one of whose pragma comments formatting took off the code it ended."""

    row: int
    comment: Comment
    span: Span
    source: Span | None = None


@dataclass(frozen=True)
class Placement:
    """The formatted text with its pragma comments placed, and the rows (1-based, of that text) of
    the statements kept on one line for their pragma, with the comment each keeps; and those of
    the statements of several lines kept as the codemod wrote them, at the row of their first
    pragma comment."""

    text: str
    kept: list[tuple[int, str]]
    as_written: list[tuple[int, str]] = field(default_factory=list)


def displaced(
    unformatted: str, formatted: str, pairs: Sequence[tuple[Span, Span]], rows: set[int]
) -> list[Displaced]:
    """The pragma comments that end a one-line statement on one of ``rows`` of ``unformatted``
    and that formatting left at the end of a statement it wrapped; and, for each statement of
    several lines on some of ``rows`` one of whose pragma comments formatting took off the code it
    ended, the first pragma comment of that statement. ``pairs`` match the statements of
    ``unformatted`` to those of ``formatted``."""
    before, after = comments(unformatted), comments(formatted)
    if before is None or after is None:
        return []
    by_row = {c.row: c for c in before}
    found: list[Displaced] = []
    for (first, last), (new_first, new_last) in pairs:
        if first != last and rows.intersection(range(first, last + 1)):
            spans = (first, last, new_first, new_last)
            inner = _inner_displaced(unformatted, formatted, before, after, spans)
            if inner is not None:
                found.append(Displaced(inner.row, inner, (new_first, new_last), (first, last)))
            continue
        comment = by_row.get(first)
        if first != last or first not in rows or new_first == new_last or comment is None:
            continue
        if not is_pragma(comment.text):
            continue
        moved = [c for c in after if new_first <= c.row <= new_last and c.text == comment.text]
        if len(moved) == 1 and all(item.row != first for item in found):
            found.append(Displaced(first, moved[0], (new_first, new_last)))
    return found


def _inner_displaced(
    unformatted: str, formatted: str, before: list[Comment], after: list[Comment], spans: Span4
) -> Comment | None:
    """The first pragma comment of a statement of several lines (rows ``spans[:2]`` of
    ``unformatted``, ``spans[2:]`` of ``formatted``) when formatting took one of its pragma
    comments off the code it ended: the formatted statement's pragma comments, in order, must
    each end a line holding that code (joined with more, when formatting joined lines); None
    when they do, or when the statement has none."""
    old = _governed(unformatted, before, spans[0], spans[1])
    new = _governed(formatted, after, spans[2], spans[3])
    if len(old) == len(new) and all(
        o_text == n_text and _still_ends(o_code, n_code)
        for (o_code, o_text), (n_code, n_text) in zip(old, new, strict=True)
    ):
        return None
    return next(c for c in before if spans[0] <= c.row <= spans[1] and is_pragma(c.text))


def _still_ends(code: str, formatted: str) -> bool:
    """Whether a pragma comment that ended ``code`` (a line's code, without blanks) still ends
    it on a line whose code is ``formatted``: that line holds all of it (formatting joined
    lines), or its end with a name or literal in it (formatting split the line, and the comment
    stays with the last part), not only closing brackets (the code it governs went to the lines
    above)."""
    if code in formatted:
        return True
    return code.endswith(formatted) and _HAS_CODE.search(formatted) is not None


def _governed(text: str, found: list[Comment], first: int, last: int) -> list[tuple[str, str]]:
    """The pragma comments of ``found`` on rows ``first`` to ``last`` of ``text``, each with the
    code before it on its line, without blanks."""
    lines = text.splitlines()
    return [
        ("".join(lines[c.row - 1][: c.col].split()), c.text)
        for c in found
        if first <= c.row <= last and is_pragma(c.text)
    ]


def silences(comment: str, code: str) -> bool:
    """Whether a line's ``comment`` keeps flake8 from reporting ``code`` on that line: a bare
    ``# noqa``, or one that names the code or a prefix of it."""
    codes = noqa_codes(comment)
    if codes:
        return code.upper().startswith(tuple(codes))
    return _ANY_NOQA.search(comment) is not None


def noqa_codes(comment: str) -> list[str]:
    """The codes a ``# noqa: CODES`` comment silences (none for a bare ``# noqa``)."""
    match = _NOQA_CODES.search(comment)
    return [code.upper() for code in _CODE.findall(match.group(1))] if match else []


def place_pragmas(
    unformatted: str,
    formatted: str,
    moved: Sequence[Displaced],
    check: CheckFn,
    reformat: FormatFn,
) -> Placement:
    """``formatted`` with each of ``moved`` put back on the code it governs: a ``# noqa`` at the
    end of the one line of its statement where ruff (``check``) reports the codes it silences, with
    the statement formatted again around it (``reformat``) if the comment made that line too long;
    otherwise the statement is kept on one line, as in ``unformatted``."""
    silenced = _silenced(unformatted, [m for m in moved if m.source is None], check)
    text = formatted
    kept: list[tuple[int, str]] = []
    as_written: list[tuple[int, str]] = []
    source_lines = unformatted.splitlines(keepends=True)
    for item in sorted(moved, key=lambda m: m.span, reverse=True):  # bottom up: rows above hold
        if item.source is not None:
            # A pragma inside a statement of several lines: the statement stays as written.
            placed = _replaced_rows(
                text, item.span, source_lines[item.source[0] - 1 : item.source[1]]
            )
        else:
            placed = _placed(text, item, silenced.get(item.row, []), check, reformat) or ""
        one_line = not placed
        if one_line:
            placed = _replaced_rows(text, item.span, source_lines[item.row - 1 : item.row])
        shift = placed.count("\n") - text.count("\n")
        kept = [(row + shift, comment) for row, comment in kept]
        as_written = [(row + shift, comment) for row, comment in as_written]
        if item.source is not None:
            as_written.append((item.span[0] + item.row - item.source[0], item.comment.text))
        elif one_line:
            kept.append((item.span[0], item.comment.text))
        text = placed
    return Placement(text, sorted(kept), sorted(as_written))


def _silenced(unformatted: str, moved: Sequence[Displaced], check: CheckFn) -> dict[int, list[str]]:
    """The codes each noqa comment of ``moved`` silences on its one-line statement (by its row of
    ``unformatted``), as ruff reports them there; a comment whose codes ruff does not all report
    there, or that silences none ruff knows, has none."""
    codes = sorted({code for item in moved for code in noqa_codes(item.comment.text)})
    confirmed = check(unformatted, codes) if codes else None
    bare = any(_BARE_NOQA.fullmatch(item.comment.text) for item in moved)
    # A bare noqa silences whatever is reported on its line: every rule ruff has is asked, and the
    # comment can move only where all of them are then reported together.
    reported = check(unformatted, ["ALL"]) if bare else None
    silenced: dict[int, list[str]] = {}
    for item in moved:
        own = noqa_codes(item.comment.text)
        if own and confirmed is not None:
            if all(item.row in confirmed.get(code, set()) for code in own):
                silenced[item.row] = own
        elif _BARE_NOQA.fullmatch(item.comment.text) and reported is not None:
            found = [c for c, rows in reported.items() if item.row in rows and c not in _NOT_CODE]
            if found:
                silenced[item.row] = sorted(found)
    return silenced


#: how many times a statement is formatted again around a moved comment before giving up
_ROUNDS = 3


def _placed(
    text: str, item: Displaced, codes: list[str], check: CheckFn, reformat: FormatFn
) -> str | None:
    """``text`` with ``item``'s noqa comment on the line of its statement where ruff reports
    ``codes`` (what it silences on the one-line statement), and the statement formatted; None
    when it cannot be placed so."""
    if not codes:
        return None  # ruff does not see what the comment silences: it cannot place it
    for _ in range(_ROUNDS):
        reports = check(text, codes)
        if reports is None:
            return None
        first, last = item.span
        rows = {row for code in codes for row in reports.get(code, set()) if first <= row <= last}
        if len(rows) > 1:
            return None
        # No report left: wrapping fixed what the comment silenced (an E501), and it may stay.
        placed = _moved_to(text, item, rows.pop() if rows else item.comment.row)
        if placed is None:
            return None
        again = reformat(placed, item.span)
        if again == placed:
            return placed
        relocated = _relocated(again, item, again.count("\n") - placed.count("\n"))
        if relocated is None:
            return None
        text, item = again, relocated
    return None


def _relocated(text: str, item: Displaced, grown: int) -> Displaced | None:
    """``item`` in ``text``, where its statement was formatted again and grew by ``grown`` lines."""
    span = (item.span[0], item.span[1] + grown)
    found = [c for c in comments(text) or [] if span[0] <= c.row <= span[1]]
    same = [c for c in found if c.text == item.comment.text]
    return Displaced(item.row, same[0], span) if len(same) == 1 else None


def _moved_to(text: str, item: Displaced, row: int) -> str | None:
    """``text`` with ``item``'s comment moved to the end of ``row``; None when that row already
    ends in a comment."""
    if row == item.comment.row:
        return text
    if any(c.row == row for c in comments(text) or []):
        return None
    lines = text.splitlines(keepends=True)
    target = lines[row - 1]
    source = lines[item.comment.row - 1]
    lines[item.comment.row - 1] = source[: item.comment.col].rstrip() + _ending(source)
    lines[row - 1] = target.rstrip("\r\n") + "  " + item.comment.text + _ending(target)
    return "".join(lines)


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")) :]


def _replaced_rows(text: str, span: Span, rows: Sequence[str]) -> str:
    """``text`` with the lines ``span`` replaced by ``rows``."""
    lines = text.splitlines(keepends=True)
    return "".join([*lines[: span[0] - 1], *rows, *lines[span[1] :]])
