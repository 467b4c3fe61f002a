"""Output that passes the project's formatter: ``ruff format`` over just the lines a fix changed.

When it runs (``format`` in ``[tool.backfix]``, ``--no-format`` on the command line):

* ``format = false`` (or ``--no-format``): never;
* ``format = true``: on the changed lines of every changed file;
* not set (the default): when the project declares a formatter (a ``[tool.black]`` table, a ruff
  ``format`` table, a ``ruff-format``/``black`` pre-commit hook, or a ``black``/``ruff format``
  command in ``tox.ini``, ``noxfile.py`` or a ``Makefile``), or else when the file passed
  ``ruff format --check`` before the fix. A file that follows no formatter keeps its own style,
  except that a changed statement with a line longer than the project's line length, or with
  continuation lines the project's linter would newly report (:mod:`backfix.layout_checks`), is
  formatted alone (quotes kept), and a changed line still too long is named in a note.

Only the changed lines are formatted (``ruff format --range``, with the project's own ruff settings, or
its black settings translated), so every byte outside the fix stays as it was. Formatted output is kept
only when it compiles, means the same as the unformatted output (same `ast`), and touched nothing
outside the statements the fix changed; otherwise the file keeps the unformatted fix and the run says
why in a note. New files (the service modules move-commits creates) are formatted whole, after the
safe fixes of the project's own ruff rules (see :func:`lint_fixed`).

A pragma comment that ended a wrapped one-line statement is kept on the code it governs (see
:mod:`backfix.pragmas`), and in a black project pragma comments count towards the line width. In a
black project, black (when found) formats the changed statements again after ruff, where the two
styles differ (see :mod:`backfix.black_pass`); its output is held to the same checks, and the file
keeps ruff's formatting when it fails one.
"""

from __future__ import annotations

import ast
import contextlib
import difflib
import functools
import importlib
import io
import json
import shutil
import subprocess
import sys
import threading
import tokenize
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from backfix.black_pass import (
    BlackError,
    confined,
    find_black,
    pin_note,
    tool_version,
    without_rows,
)
from backfix.black_worker import BlackRunner
from backfix.format_settings import (
    PRAGMA_COMMENT,
    PRESERVE_QUOTES,
    FormatterSettings,
    ruff_config_file,
    runs_black,
    settings_for,
)
from backfix.isort_pass import load_isort, sort_imports
from backfix.layout_checks import LayoutChecks, layout_checks, operators_to_line_ends
from backfix.pragmas import Masked, Placement, comments, displaced, mask_pragmas, place_pragmas
from backfix.results import FileChange
from backfix.source import SourceError, declared_encoding, decode_source, verify_output
from backfix.tool_pins import ruff_pin_note

#: ``--range`` and ``--config KEY=VALUE`` work from this ruff on.
MIN_RUFF = (0, 5)
RUFF_TIMEOUT = 60

ProgressFn = Callable[[str, int, int], None]
Span = tuple[int, int]


class FormatError(Exception):
    """Why one file could not be formatted; the file keeps the unformatted fix."""


# --- ruff -----------------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=32)
def find_ruff(root: Path | None = None) -> str | None:
    """The ruff to run: the project's own (in ``root``'s ``.venv``/``venv``) when recent enough,
    else the one installed with backfix, else one on ``PATH``."""
    candidates: list[str] = []
    if root is not None:
        for venv in (".venv", "venv"):
            for name in ("bin/ruff", "Scripts/ruff.exe"):
                if (root / venv / name).is_file():
                    candidates.append(str(root / venv / name))
    with contextlib.suppress(ImportError, AttributeError, FileNotFoundError):
        candidates.append(importlib.import_module("ruff").find_ruff_bin())
    on_path = shutil.which("ruff")
    if on_path:
        candidates.append(on_path)
    return next((c for c in candidates if _recent_enough(c)), None)


def _recent_enough(ruff: str) -> bool:
    return (tool_version((ruff,), RUFF_TIMEOUT) or (0, 0)) >= MIN_RUFF


def _ruff_format(
    ruff: str, text: str, path: str, settings: FormatterSettings, *extra: str
) -> subprocess.CompletedProcess[bytes]:
    # The real path goes in --stdin-filename so ruff finds the project's configuration and
    # exclusions (--force-exclude: a file the project excludes from formatting comes back as is).
    command = [ruff, "format", *settings.ruff_args, *extra, "--force-exclude"]
    command += ["--stdin-filename", path, "-"]
    done = _run_ruff(command, text, path)
    if done.returncode != 0 and settings.formatter == "black" and _OTHER_RUFF in done.stderr:
        # The project pins another ruff (`required-version`) for its own ruff runs. In a black
        # project ruff only prepares what black formats, with black's settings (`ruff_args`):
        # the project's ruff configuration is not needed for that.
        done = _run_ruff([ruff, "format", "--isolated", *command[2:]], text, path)
    return done


#: what ruff says where the project's ``required-version`` is not the ruff that runs
_OTHER_RUFF = b"Required version"


def _run_ruff(command: list[str], text: str, path: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(
            command,
            input=text.encode("utf-8"),
            capture_output=True,
            cwd=Path(path).parent if Path(path).parent.is_dir() else None,
            timeout=RUFF_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise FormatError(f"ruff did not run: {exc}") from None


def _for_ruff(text: str, settings: FormatterSettings) -> Masked:
    """``text`` as ruff should see it: in a black project, with its pragma comments disguised so
    that they count towards the line width, as black counts them (ruff leaves them out)."""
    return mask_pragmas(text) if settings.formatter == "black" else Masked(text)


def is_formatted(ruff: str, text: str, path: str, settings: FormatterSettings) -> bool:
    """True when ``text`` (the content of ``path``) passes ``ruff format --check``."""
    masked = _for_ruff(text, settings).text
    return _ruff_format(ruff, masked, path, settings, "--check").returncode == 0


def format_text(
    ruff: str,
    text: str,
    path: str,
    settings: FormatterSettings,
    span: Span | None = None,
) -> str:
    """``text`` formatted by ruff: whole, or only the statements on lines ``span`` (1-based, inclusive)."""
    extra = () if span is None else (f"--range={span[0]}-{span[1] + 1}",)
    masked = _for_ruff(text, settings)
    done = _ruff_format(ruff, masked.text, path, settings, *extra)
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise FormatError(f"ruff format failed: {message[-1] if message else done.returncode}")
    formatted = masked.restore(done.stdout.decode("utf-8"))
    if formatted is None:
        raise FormatError("formatting would drop or change a comment")
    return formatted


def ruff_reports(
    ruff: str, path: str, line_length: int, text: str, codes: Sequence[str]
) -> dict[str, set[int]] | None:
    """The rows (1-based) of ``text`` where ``ruff check`` reports each of ``codes``, ``# noqa``
    comments ignored; None when ruff does not know one of the codes (a flake8 plugin's, say)."""
    command = [ruff, "check", "--isolated", "--no-cache", "--ignore-noqa", "--exit-zero"]
    command += ["--output-format=json", f"--line-length={line_length}", "--select", ",".join(codes)]
    done = _ruff_check(command, text, path)
    try:
        found = json.loads(done.stdout) if done is not None and done.returncode == 0 else None
    except ValueError:
        return None
    if not isinstance(found, list):
        return None
    rows: dict[str, set[int]] = {}
    for report in found:
        rows.setdefault(str(report.get("code")), set()).add(int(report["location"]["row"]))
    return rows


def _ruff_check(
    command: list[str], text: str, path: str
) -> subprocess.CompletedProcess[bytes] | None:
    """``command`` (a ``ruff check``) run on ``text`` as the file ``path``; None when it did not
    run."""
    try:
        return subprocess.run(
            [*command, "--stdin-filename", path, "-"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=RUFF_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError):
        return None


def lint_fixed(ruff: str, text: str, path: str) -> str:
    """The new module ``text`` (to be written at ``path``) with the safe fixes of the project's
    own ruff rules applied, where the project configures ruff: code that moved can break a rule
    it kept where it was (``"{}{}".format(form.a.data, config.get("B"))`` became
    ``"{}{}".format(a, b)``, an f-string to ruff's ``UP032``). ``text`` itself when the project
    does not configure ruff, ruff fails, or a fix would change a comment or not parse."""
    folder = Path(path).parent
    if not any(ruff_config_file(directory) for directory in (folder, *folder.parents)):
        return text
    command = [ruff, "check", "--fix", "--exit-zero", "--no-cache", "--quiet", "--force-exclude"]
    done = _ruff_check(command, text, path)
    fixed = done.stdout.decode("utf-8", "replace") if done is not None else ""
    if done is None or done.returncode != 0 or not fixed or _comments(fixed) != _comments(text):
        return text
    try:
        compile(fixed, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return text
    return fixed


# --- which lines changed, and what formatting may touch ----------------------------------------------


def changed_spans(before: str, after: str) -> list[Span]:
    """The 1-based, inclusive line spans of ``after`` that are not in ``before``."""
    matcher = difflib.SequenceMatcher(
        None, before.splitlines(keepends=True), after.splitlines(keepends=True), autojunk=False
    )
    spans: list[Span] = []
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or j1 == j2:
            continue  # a pure deletion leaves nothing of `after` to format
        if spans and spans[-1][1] >= j1:
            spans[-1] = (spans[-1][0], j2)
        else:
            spans.append((j1 + 1, j2))
    return spans


def _units(tree: ast.Module) -> list[Span]:
    """The line spans formatting treats as one piece: simple statements, and the header of each
    compound statement, ``except`` clause and ``case`` (decorators included)."""
    units: list[Span] = []
    for node in ast.walk(tree):
        if not isinstance(node, (ast.stmt, ast.excepthandler, ast.match_case)):
            continue
        body = getattr(node, "body", None)
        if isinstance(node, ast.match_case):
            start = node.pattern.lineno
        else:
            decorators = getattr(node, "decorator_list", [])
            start = min([node.lineno, *(d.lineno for d in decorators)])
        if isinstance(body, list) and body:
            units.append((start, max(start, body[0].lineno - 1)))
        else:
            units.append((start, getattr(node, "end_lineno", None) or start))
    return units


#: CPython 3.11 keeps the AST constructor's recursion depth per interpreter, not per thread: two
#: format threads parsing at once can fail with "SystemError: AST constructor recursion depth mismatch".
_AST_LOCK = threading.Lock()


def _parse(text: str) -> ast.Module:
    with _AST_LOCK:
        return ast.parse(text)


def _smallest_unit(units: Sequence[Span], line: int) -> Span | None:
    """The smallest of ``units`` that holds ``line``, if any."""
    around = [u for u in units if u[0] <= line <= u[1]]
    return min(around, key=lambda u: u[1] - u[0]) if around else None


def _allowed_lines(text: str, spans: Sequence[Span]) -> set[int] | None:
    """0-based indices of the lines of ``text`` formatting may change: every line of the smallest
    unit around each changed line, and blank lines next to them. None when ``text`` does not parse."""
    try:
        tree = _parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    units = _units(tree)
    lines = text.splitlines()
    allowed: set[int] = set()
    for first, last in spans:
        for line in range(first, last + 1):
            lo, hi = _smallest_unit(units, line) or (line, line)
            allowed.update(range(lo - 1, hi))
    for index in sorted(allowed):
        for step in (-1, 1):
            near = index + step
            while 0 <= near < len(lines) and not lines[near].strip() and near not in allowed:
                allowed.add(near)
                near += step
    return allowed


def _statement_pairs(unformatted: str, formatted: str) -> list[tuple[Span, Span]]:
    """The line spans of each statement (as :func:`_units` splits them) in ``unformatted`` and in
    ``formatted``, paired; none when the two do not have the same statements."""
    try:
        old, new = _units(_parse(unformatted)), _units(_parse(formatted))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return list(zip(old, new, strict=True)) if len(old) == len(new) else []


def _whole_statements(text: str, spans: Sequence[Span]) -> list[Span]:
    """``spans`` grown to the smallest units around their lines: ruff's ``--range`` starting inside
    a statement can drop a comment of it (``.where(x)  # noqa`` in a wrapped chain)."""
    try:
        units = _units(_parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return list(spans)
    grown: list[Span] = []
    for first, last in spans:
        around = [_smallest_unit(units, line) or (line, line) for line in range(first, last + 1)]
        first, last = min(first, *(u[0] for u in around)), max(last, *(u[1] for u in around))
        if grown and grown[-1][1] >= first - 1:
            first, last = grown[-1][0], max(last, grown[-1][1])
            grown.pop()
        grown.append((first, last))
    return grown


def readable(text: str) -> None:
    """Raise FormatError, saying why, when this interpreter's parser rejects ``text``: the checks
    of formatted code (same meaning, nothing changed outside the fix) read it with `ast`, so code of a
    newer Python (3.14's ``except A, B:`` with backfix on 3.11) cannot be checked and stays as the
    codemod wrote it."""
    try:
        _parse(text)
    except SyntaxError as exc:
        where = f"line {exc.lineno}: " if exc.lineno else ""
        running = f"{sys.version_info[0]}.{sys.version_info[1]}"
        raise FormatError(
            f"Python {running}, which backfix runs on, cannot parse this file ({where}{exc.msg}), "
            "so formatting it could not be checked: run backfix on the project's Python to format it"
        ) from None
    except (ValueError, RecursionError, MemoryError):
        return  # not a grammar question: the checks themselves report it


def _comments(text: str) -> list[str]:
    """The comments of ``text``, in order; formatting moves them but must keep each one."""
    return [comment.text for comment in comments(text) or []]


def outside_changes(unformatted: str, formatted: str, spans: Sequence[Span]) -> int | None:
    """The first line (1-based) of ``unformatted`` that formatting changed outside the fix, or None."""
    if formatted == unformatted:
        return None
    allowed = _allowed_lines(unformatted, spans)
    if allowed is None:
        return 1
    old = unformatted.splitlines(keepends=True)
    new = formatted.splitlines(keepends=True)
    line = _first_outside(old, new, allowed)
    if line is not None and _kept_in_order(old, new, allowed):
        return None  # the diff paired a repeated line (`)`) wrongly; every other line is kept
    return line


def _first_outside(old: list[str], new: list[str], allowed: set[int]) -> int | None:
    """The first line (1-based) of ``old`` outside ``allowed`` that the diff of ``old`` and
    ``new`` shows changed, deleted or with lines inserted next to it; None if there is none."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i2 > i1:  # lines replaced or deleted: each must be one formatting may change
            outside = [i for i in range(i1, i2) if i not in allowed]
            if outside:
                return outside[0] + 1
        elif old and i1 - 1 not in allowed and i1 not in allowed:  # lines inserted: next to one
            return min(i1 + 1, len(old))
    return None


def _kept_in_order(old: list[str], new: list[str], allowed: set[int]) -> bool:
    """Whether each run of ``old``'s lines outside ``allowed`` is in ``new`` as it was, the runs in
    their order and the first and last at the ends: between two fixed statements, an unchanged
    comment line can land in a replaced block of the diff when a closing bracket of one of them
    pairs with another."""
    runs: list[list[str]] = [[]]
    for index, text in enumerate(old):
        if index in allowed:
            if runs[-1]:
                runs.append([])
        else:
            runs[-1].append(text)
    if not runs[-1]:
        runs.pop()
    if not runs:
        return True
    leading, trailing = 0 not in allowed, len(old) - 1 not in allowed
    position = 0
    for number, run in enumerate(runs):
        found = _find_run(new, run, position)
        if found is None or (leading and number == 0 and found != 0):
            return False
        position = found + len(run)
    return not trailing or position == len(new)


def _find_run(lines: list[str], run: list[str], start: int) -> int | None:
    """The first index from ``start`` where ``lines`` hold ``run``; None when they do not."""
    for index in range(start, len(lines) - len(run) + 1):
        if lines[index : index + len(run)] == run:
            return index
    return None


def _without_docstring_indentation(tree: ast.Module) -> ast.Module:
    """``tree`` with docstrings reduced to their stripped lines: the formatter may reindent them;
    and without the ``u`` prefix of strings (``Constant.kind``), which it drops: ``u"a"`` is
    ``"a"`` in Python 3."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant):
            node.kind = None
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                lines = first.value.value.strip().splitlines()
                first.value.value = "\n".join(line.strip() for line in lines)
    return tree


def same_meaning(before: str, after: str) -> bool:
    """True when both texts parse to the same `ast` (docstring indentation and ``u`` prefixes
    aside)."""
    try:
        trees = [_without_docstring_indentation(_parse(text)) for text in (before, after)]
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return ast.dump(trees[0]) == ast.dump(trees[1])


# --- one file -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FormatRequest:
    """One changed file and how to treat it: ``mode`` is the ``format`` setting (None: default);
    ``black`` runs black after ruff in a black project (None: black was not found)."""

    change: FileChange
    mode: bool | None
    ruff: str
    black: BlackRunner | None = None
    #: the project's root (where isort, if the project runs it, resolves first-party modules)
    root: Path | None = None


@dataclass(frozen=True)
class FormatOutcome:
    """The change to keep, and why it was not formatted (``skipped``: it followed no formatter;
    ``wrapped``: it followed none, and only its changed statements that were too long or had
    newly broken continuation lines were formatted).
    ``too_long`` tells the user about changed lines left longer than the line length,
    ``pragma_kept`` about those kept on one line, or as written, for their pragma comments (a note
    each), and ``black`` why black's
    formatting was not used (ruff's is kept)."""

    change: FileChange
    problem: str = ""
    skipped: bool = False
    wrapped: bool = False
    too_long: str = ""
    pragma_kept: tuple[str, ...] = ()
    black: str = ""
    #: changed statements the project's linter newly reports, left as they are
    layout: str = ""
    #: why the project's isort did not sort the file's imports
    isort: str = ""


def _to_lf(text: str) -> tuple[str, bool]:
    # ruff's --range ignores lines ending in CRLF, so a CRLF file is formatted as LF and converted back.
    crlf = "\r\n" in text and text.count("\r\n") == text.count("\n")
    return (text.replace("\r\n", "\n"), True) if crlf else (text, False)


def _format_spans(
    ruff: str, text: str, path: str, settings: FormatterSettings, spans: Sequence[Span], clean: bool
) -> str:
    """Format ``spans`` of ``text``: in one ruff run when the rest of the file is formatted already,
    else one span at a time from the bottom up, so the line numbers of the spans above stay valid."""
    if clean or len(spans) == 1:
        return format_text(ruff, text, path, settings, (spans[0][0], spans[-1][1]))
    for span in reversed(spans):
        text = format_text(ruff, text, path, settings, span)
    return text


class _NotFormatted(Exception):
    """The file followed no formatter before the fix (and formatting was not asked for)."""


def format_change(request: FormatRequest) -> FormatOutcome:
    """``request.change`` with its changed lines formatted, or unchanged with the reason; then
    with its imports sorted where the project runs isort (see :mod:`backfix.isort_pass`)."""
    try:
        outcome = _formatted(request)
    except (FormatError, SourceError, UnicodeError) as exc:
        outcome = FormatOutcome(request.change, problem=str(exc))
    change, problem = sort_imports(outcome.change, request.root)
    return replace(outcome, change=change, isort=problem)


def _formatted(request: FormatRequest) -> FormatOutcome:
    change, mode, ruff = request.change, request.mode, request.ruff
    settings = settings_for(change.abs_path)
    text, crlf = _to_lf(decode_source(change.after))
    if change.before is None:
        whole = _keeping_quotes(settings)
        fixed = lint_fixed(ruff, text, change.abs_path)
        if fixed != text:
            text = fixed
            change = replace(change, after=_encoded(change, fixed, crlf))
        formatted = format_text(ruff, text, change.abs_path, whole)
        everything = [(1, text.count("\n") + 1)]
        placement = _placed(ruff, text, formatted, change.abs_path, whole, everything)
        final, black_note = _with_black(request, settings, (None, text), placement, everything)
        return FormatOutcome(
            _accepted(change, text, final, crlf),
            pragma_kept=_pragma_note(change.path, placement, settings.line_length),
            black=black_note,
        )
    before, _ = _to_lf(decode_source(change.before))
    spans = changed_spans(before, text)
    if not spans:
        return FormatOutcome(change)
    try:
        formatted = _format_changed(
            ruff, before, text, change.abs_path, settings, _whole_statements(text, spans), mode
        )
    except _NotFormatted:
        return _wrapped(change, ruff, settings, (before, text), spans, crlf)
    placement = _placed(ruff, text, formatted, change.abs_path, settings, spans)
    if placement.text != text:
        readable(text)
    line = outside_changes(text, placement.text, spans)
    if line is not None:
        raise FormatError(f"formatting would also change line {line}, outside the fix")
    # black's output is kept only when it passes the same check (see _black_problem).
    final, black_note = _with_black(request, settings, (before, text), placement, spans)
    return FormatOutcome(
        _accepted(change, text, final, crlf),
        pragma_kept=_pragma_note(change.path, placement, settings.line_length),
        black=black_note,
    )


def _placed(
    ruff: str,
    unformatted: str,
    formatted: str,
    path: str,
    settings: FormatterSettings,
    spans: Sequence[Span],
) -> Placement:
    """``formatted`` with the pragma comments that ended a changed one-line statement of
    ``unformatted`` kept on the code they govern (see :mod:`backfix.pragmas`)."""
    lines = unformatted.splitlines()
    rows = {row for first, last in spans for row in range(first, min(last, len(lines)) + 1)}
    if not any(PRAGMA_COMMENT.search(lines[row - 1]) for row in rows):
        return Placement(formatted, [])
    moved = displaced(unformatted, formatted, _statement_pairs(unformatted, formatted), rows)
    if not moved:
        return Placement(formatted, [])

    def check(text: str, codes: Sequence[str]) -> dict[str, set[int]] | None:
        return ruff_reports(ruff, path, settings.line_length, text, codes)

    def reformat(text: str, span: Span) -> str:
        try:
            return _format_unit(ruff, text, path, settings, span)
        except FormatError:
            return ""

    return place_pragmas(unformatted, formatted, moved, check, reformat)


def _pragma_note(path: str, placement: Placement, line_length: int) -> tuple[str, ...]:
    """The notes naming the statements kept on one line, and those kept as the codemod wrote
    them, for their pragma comments, if any."""
    notes: list[str] = []
    if placement.kept:
        which = _rows(placement.kept, "line {} is", "lines {} are")
        notes.append(
            f"{path}: {which} kept on one line, longer than {line_length} columns, since "
            f"wrapping would carry {_pragmas(placement.kept)} off the code it governs; wrap by "
            "hand and put the comment on the line it applies to"
        )
    if placement.as_written:
        which = _rows(
            placement.as_written,
            "the statement with line {} is",
            "the statements with lines {} are",
        )
        notes.append(
            f"{path}: {which} kept as the rewrite wrote it, not formatted, since formatting "
            f"would carry {_pragmas(placement.as_written)} off the code it governs; format by "
            "hand and put the comment on the line it applies to"
        )
    return tuple(notes)


def _rows(kept: Sequence[tuple[int, str]], one: str, several: str) -> str:
    numbers = ", ".join(str(row) for row, _ in kept)
    return (one if len(kept) == 1 else several).format(numbers)


def _pragmas(kept: Sequence[tuple[int, str]]) -> str:
    return ", ".join(sorted({f"`{comment}`" for _, comment in kept}))


# --- black, after ruff, in a black project -------------------------------------------------------------


def _with_black(
    request: FormatRequest,
    settings: FormatterSettings,
    texts: tuple[str | None, str],
    placement: Placement,
    spans: Sequence[Span],
) -> tuple[str, str]:
    """``placement``'s text with black run over the statements the fix changed, in a black project
    where black was found, and a note when black's output is not used (ruff's is kept then).
    ``texts`` are the file before the fix (None for a new file) and the fix unformatted, and
    ``spans`` the lines the fix changed; statements kept on one line for a pragma stay so."""
    formatted = placement.text
    if request.black is None or not runs_black(request.change.abs_path):
        return formatted, ""
    before, text = texts
    kept = [row for row, _ in placement.kept]
    ranges = without_rows(_whole_statements(formatted, _new_lines(before, formatted)), kept)
    if not ranges:
        return formatted, ""
    path = request.change.abs_path
    encoding = declared_encoding(request.change.after)
    try:
        blacked = request.black.format(formatted, path, settings.line_length, ranges, encoding)
    except BlackError as exc:
        return formatted, _black_note(request.change.path, str(exc))
    repaired = confined(formatted, blacked, ranges)
    problem = (
        "it would also change lines outside the changed statements"
        if repaired is None
        else _black_problem(text, formatted, repaired, spans)
    )
    if repaired is None or problem:
        return formatted, _black_note(request.change.path, problem)
    return repaired, ""


def _new_lines(before: str | None, text: str) -> list[Span]:
    """The lines of ``text`` not in ``before``: all of them in a new file (``before`` None)."""
    if before is None:
        return [(1, max(1, len(text.splitlines())))]
    return changed_spans(before, text)


def _black_problem(text: str, formatted: str, blacked: str, spans: Sequence[Span]) -> str:
    """Why ``blacked`` (``formatted`` after black) must not be kept, or "" when it may: the checks
    ruff's output passed, against ``text``, the unformatted fix that changed lines ``spans``."""
    if blacked == formatted:
        return ""
    if not same_meaning(formatted, blacked):
        return "the formatted code would not mean the same"
    if _comments(formatted) != _comments(blacked):
        return "formatting would drop or change a comment"
    line = outside_changes(text, blacked, spans)
    return "" if line is None else f"formatting would also change line {line}, outside the fix"


def _black_note(path: str, why: str) -> str:
    return f"{path}: black's formatting was not used ({why}); the changed lines are as ruff formats them"


def _encoded(change: FileChange, text: str, crlf: bool) -> bytes:
    """``text`` as the bytes of ``change``'s file (its encoding, CRLF line ends when ``crlf``)."""
    return (text.replace("\n", "\r\n") if crlf else text).encode(declared_encoding(change.after))


def _accepted(change: FileChange, text: str, formatted: str, crlf: bool) -> FileChange:
    """``change`` with ``formatted`` (``text`` as ruff formatted it) as its new content, once checked."""
    if formatted == text:
        return change
    readable(text)
    if not same_meaning(text, formatted):
        raise FormatError("the formatted code would not mean the same")
    if _comments(text) != _comments(formatted):
        raise FormatError("formatting would drop or change a comment")
    after = _encoded(change, formatted, crlf)
    problem = verify_output(change.path, change.before or b"", after)
    if problem is not None:
        raise FormatError(problem)
    return replace(change, after=after)


def _keeping_quotes(settings: FormatterSettings) -> FormatterSettings:
    """The settings for code formatted in a project that declares no formatter (a new file, or a
    long statement of a fix): it keeps its quotes, so a single-quoted project stays single-quoted."""
    if settings.formatter:
        return settings
    return replace(settings, ruff_args=(*settings.ruff_args, *PRESERVE_QUOTES))


#: the indentation width ruff (like black) formats with unless configured otherwise
DEFAULT_INDENT_WIDTH = 4


def _in_file_indentation(settings: FormatterSettings, text: str) -> FormatterSettings:
    """The settings for statements formatted alone in ``text``, a file of a project that declares
    no formatter: indented by the file's own width (ruff's default of 4 would also reindent the
    blocks around a statement of a file indented by 2, so the statement could not be formatted)."""
    width = _indent_width(text)
    if settings.formatter or width is None or width == DEFAULT_INDENT_WIDTH:
        return settings
    return replace(settings, ruff_args=(*settings.ruff_args, "--config", f"indent-width={width}"))


def _indent_width(text: str) -> int | None:
    """How many spaces ``text`` indents its first indented block by; None for none, for tabs, or
    for text that does not tokenize."""
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.INDENT:
                indent = token.string
                return len(indent) if indent.strip(" ") == "" else None
    except (tokenize.TokenError, SyntaxError):
        return None
    return None


def _format_changed(
    ruff: str,
    before: str,
    text: str,
    path: str,
    settings: FormatterSettings,
    spans: Sequence[Span],
    mode: bool | None,
) -> str:
    """``text`` with ``spans`` formatted, when ``mode`` and the project say so."""
    only_if_clean = mode is None and not settings.formatter
    # Whether the rest of the file is formatted decides between one ruff run and one per span.
    clean = (only_if_clean or len(spans) > 1) and is_formatted(ruff, before, path, settings)
    if only_if_clean and not clean:
        raise _NotFormatted
    return _format_spans(ruff, text, path, settings, spans, clean)


# --- long statements in a file that follows no formatter ------------------------------------------------


def _wrapped(
    change: FileChange,
    ruff: str,
    settings: FormatterSettings,
    texts: tuple[str, str],
    spans: Sequence[Span],
    crlf: bool,
) -> FormatOutcome:
    """For a file that followed no formatter, the fix with only its long statements and those with
    newly broken continuation lines formatted, and a note for the changed lines still too long. ``texts`` are the file before and after the fix, and
    ``spans`` the lines the fix changed."""
    before, text = texts
    settings = _in_file_indentation(settings, before)
    long = _long_lines(text, spans, settings.line_length)
    wrapped, error = _wrap_statements(ruff, text, long, change.abs_path, settings)
    wrapped = _relaid(ruff, before, wrapped, change.abs_path, settings)
    if not long and wrapped == text:
        layout = _layout_note(change.path, before, text)
        return FormatOutcome(change, skipped=True, layout=layout)
    placement = _placed(ruff, text, wrapped, change.abs_path, _keeping_quotes(settings), spans)
    wrapped = placement.text
    try:
        kept = _accepted(change, text, wrapped, crlf)
    except FormatError as exc:
        kept, wrapped, error = change, text, str(exc)
        placement = Placement(text, [])
    if wrapped != text:
        long = _long_lines(wrapped, changed_spans(before, wrapped), settings.line_length)
    long = [line for line in long if line not in {row for row, _ in placement.kept}]
    return FormatOutcome(
        kept,
        skipped=kept is change,
        wrapped=kept is not change,
        too_long=_too_long_note(change.path, long, settings.line_length, error) if long else "",
        pragma_kept=_pragma_note(change.path, placement, settings.line_length),
        layout=_layout_note(change.path, before, wrapped),
    )


def _wrap_statements(
    ruff: str, text: str, lines: Sequence[int], path: str, settings: FormatterSettings
) -> tuple[str, str]:
    """``text`` with each statement holding one of ``lines`` formatted alone, quotes kept; every
    other line keeps its bytes. Also returns why a statement could not be formatted ("" when none
    failed); it is then left as is."""
    error = ""
    for unit in reversed(_units_holding(text, lines)):  # bottom up: the line numbers above hold
        try:
            text = _format_unit(ruff, text, path, _keeping_quotes(settings), unit)
        except FormatError as exc:
            error = str(exc)
    return text, error


def _relaid(ruff: str, before: str, text: str, path: str, settings: FormatterSettings) -> str:
    """``text`` with each changed statement that the fix left with continuation lines the project's
    linter newly reports (see :mod:`backfix.layout_checks`) formatted alone, quotes kept, where
    that leaves it fewer such warnings. Statements whose layout the linter accepts keep it.

    Only the changed statements are checked (a statement's continuation lines are checked on
    their own), and a code counts as newly reported when the changed statements have more of it
    after the fix than the statements it replaced had before."""
    checks = layout_checks(Path(path).parent)
    broken = _newly_reported(checks, before, text)
    for unit in sorted(broken, reverse=True):  # bottom up: the line numbers above hold
        text = _relaid_unit(ruff, text, path, settings, unit, (checks, len(broken[unit])))
    return text


def _newly_reported(
    checks: LayoutChecks, before: str, text: str
) -> dict[Span, list[tuple[int, str]]]:
    """The changed statements of ``text`` with a layout warning of a code the changed statements
    have more of than the statements they replaced in ``before``, with their warnings."""
    if not checks.codes:
        return {}
    found = {
        unit: _unit_warnings(checks, text, unit)
        for unit in _changed_units(text, changed_spans(before, text))
    }
    if not any(found.values()):  # most fixes: nothing to compare with the text before the fix
        return {}
    replaced = _changed_units(before, changed_spans(text, before))
    before_counts = Counter(
        code for unit in replaced for _, code in _unit_warnings(checks, before, unit)
    )
    after_counts = Counter(code for warnings in found.values() for _, code in warnings)
    risen = {code for code, count in after_counts.items() if count > before_counts[code]}
    return {
        unit: warnings
        for unit, warnings in found.items()
        if any(code in risen for _, code in warnings)
    }


def _layout_note(path: str, before: str, text: str) -> str:
    """The note for changed statements the project's linter newly reports that formatting could
    not lay out (it would change other lines, or leave more warnings): "" when none is left."""
    broken = _newly_reported(layout_checks(Path(path).parent), before, text)
    if not broken:
        return ""
    lines = sorted({line + unit[0] - 1 for unit, found in broken.items() for line, _ in found})
    codes = sorted({code for found in broken.values() for _, code in found})
    which = f"line {lines[0]}" if len(lines) == 1 else "lines " + ", ".join(map(str, lines))
    return (
        f"{path}: {which}: the fix leaves continuation lines the project's linter reports "
        f"({', '.join(codes)}), which formatting the statement alone did not resolve (it would "
        "change other lines, or leave more); lay them out by hand"
    )


def _changed_units(text: str, spans: Sequence[Span]) -> list[Span]:
    """The statements (as :func:`_units` splits them) that hold a line of ``spans``."""
    return _units_holding(text, [line for first, last in spans for line in range(first, last + 1)])


def _unit_warnings(checks: LayoutChecks, text: str, unit: Span) -> list[tuple[int, str]]:
    """The layout warnings of the statement on lines ``unit`` of ``text``, checked alone."""
    return checks.warnings("".join(text.splitlines(keepends=True)[unit[0] - 1 : unit[1]]))


def _relaid_unit(
    ruff: str,
    text: str,
    path: str,
    settings: FormatterSettings,
    unit: Span,
    checked: tuple[LayoutChecks, int],
) -> str:
    """``text`` with the statement on lines ``unit`` formatted alone when that leaves it fewer
    layout warnings than the ``checked`` count (its operators at line ends where the project
    wants them there)."""
    checks, warned = checked
    try:
        formatted = _format_unit(ruff, text, path, _keeping_quotes(settings), unit)
    except FormatError:
        return text
    tail = len(text.splitlines()) - unit[1]
    if checks.breaks_after_operators:
        formatted = _within(formatted, unit[0], tail, operators_to_line_ends)
    relaid = (unit[0], len(formatted.splitlines()) - tail)
    return formatted if len(_unit_warnings(checks, formatted, relaid)) < warned else text


def _within(text: str, first: int, tail: int, change: Callable[[str], str]) -> str:
    """``text`` with ``change`` applied to its lines from line ``first`` on, but for the last
    ``tail`` lines."""
    lines = text.splitlines(keepends=True)
    end = len(lines) - tail
    return "".join([*lines[: first - 1], change("".join(lines[first - 1 : end])), *lines[end:]])


def _long_lines(text: str, spans: Sequence[Span], line_length: int) -> list[int]:
    """The lines of ``text`` (1-based) in ``spans`` that are longer than ``line_length``, not
    counting a pragma comment (``# noqa``...), which ruff leaves out of the width too."""
    lines = text.splitlines()
    return [
        number
        for first, last in spans
        for number in range(first, last + 1)
        if len(_without_pragma(lines[number - 1])) > line_length
    ]


def _without_pragma(line: str) -> str:
    pragma = PRAGMA_COMMENT.search(line)  # (the pattern starts at a `#`)
    return line if pragma is None else line[: pragma.start()].rstrip()


def _units_holding(text: str, lines: Sequence[int]) -> list[Span]:
    """The statements (as :func:`_units` splits them) that hold ``lines``, top to bottom."""
    if not lines:
        return []
    try:
        units = _units(_parse(text))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    return sorted({unit for line in lines if (unit := _smallest_unit(units, line)) is not None})


def _format_unit(ruff: str, text: str, path: str, settings: FormatterSettings, unit: Span) -> str:
    """``text`` with the statement on lines ``unit`` formatted, and every other line as it was."""
    formatted = format_text(ruff, text, path, settings, unit)
    old, new = text.splitlines(keepends=True), formatted.splitlines(keepends=True)
    head, tail = old[: unit[0] - 1], old[unit[1] :]
    end = len(new) - len(tail)
    # ruff also strips the whitespace of blank lines next to the statement: those keep their bytes.
    if end <= len(head) or _blanked(new[: len(head)]) != _blanked(head):
        raise FormatError("formatting would also change lines outside the statement")
    if _blanked(new[end:]) != _blanked(tail):
        raise FormatError("formatting would also change lines outside the statement")
    body = _blank_edges_kept(old[unit[0] - 1 : unit[1]], new[len(head) : end])
    return "".join(head + body + tail)


def _blank_edges_kept(original: Sequence[str], body: Sequence[str]) -> list[str]:
    """``body`` (a formatted statement) without the blank lines ruff put before or after it
    beyond those of the ``original`` statement: the one it adds after a function's own imports
    (``import json``) is a line outside the fix."""
    lead = _blank_run(original) - _blank_run(body)
    trail = _blank_run(original[::-1]) - _blank_run(body[::-1])
    start = -lead if lead < 0 else 0
    stop = len(body) + trail if trail < 0 else len(body)
    return list(body[start:stop])


def _blank_run(lines: Sequence[str]) -> int:
    """How many of ``lines`` are blank, from the first on."""
    count = 0
    for line in lines:
        if line.strip():
            break
        count += 1
    return count


def _blanked(lines: Sequence[str]) -> list[str]:
    """``lines`` with each line of nothing but whitespace as an empty one."""
    return [line if line.strip() else "" for line in lines]


def _too_long_note(path: str, lines: Sequence[int], line_length: int, error: str) -> str:
    numbers = ", ".join(map(str, lines))
    which = f"line {numbers} is" if len(lines) == 1 else f"lines {numbers} are"
    why = error or "ruff found no shorter form"
    return f"{path}: {which} longer than {line_length} columns after the fix ({why}); wrap by hand"


# --- a run ----------------------------------------------------------------------------------------------


def format_changes(
    changes: Sequence[FileChange],
    mode: bool | None,
    *,
    root: Path | None = None,
    jobs: int = 1,
    progress: ProgressFn | None = None,
) -> tuple[list[FileChange], list[str]]:
    """Every change with its changed lines formatted where ``mode`` says so, and notes for the run.

    ``mode`` is ``[tool.backfix] format``: True, False or None (the default; see the module). The
    work is in ruff processes, so threads run them in parallel.
    """
    if mode is False or not changes:
        return list(changes), []
    ruff = find_ruff(root)
    if ruff is None:
        note = (
            "changed files were not formatted: ruff (0.5 or later) was not found; "
            "install it (pip install ruff) or set format = false in [tool.backfix]"
        )
        return list(changes), [note]
    black, notes = _black_for(changes, root)
    load_isort(changes)
    requests = [FormatRequest(change, mode, ruff, black, root) for change in changes]
    outcomes: list[FormatOutcome] = []
    pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(requests))))
    try:
        for done, outcome in enumerate(pool.map(format_change, requests), 1):
            outcomes.append(outcome)
            if progress:
                progress("format", done, len(requests))
    finally:
        # On Ctrl-C, files not started yet are dropped instead of formatted before the run stops.
        pool.shutdown(wait=True, cancel_futures=True)
        if black is not None:
            black.close()
    pin = _ruff_pin(ruff, outcomes, root)
    return [o.change for o in outcomes], notes + _notes(outcomes) + ([pin] if pin else [])


def _ruff_pin(ruff: str, outcomes: Sequence[FormatOutcome], root: Path | None) -> str:
    """A note when ruff formatted changed lines of a project that pins another ruff (not in a
    black project, where black has the last word, nor where the project follows no formatter)."""
    formatted = [
        o.change
        for o in outcomes
        if not (o.skipped or o.wrapped or o.problem) and not runs_black(o.change.abs_path)
    ]
    if not formatted:
        return ""
    folder = Path(formatted[0].abs_path).parent
    return ruff_pin_note(tool_version((ruff,), RUFF_TIMEOUT), folder, root or folder)


def _black_for(
    changes: Sequence[FileChange], root: Path | None
) -> tuple[BlackRunner | None, list[str]]:
    """The black to run after ruff when one of ``changes`` is in a black project, and a note when
    none is found (ruff alone formats those files then, in black's style)."""
    in_black = [change for change in changes if runs_black(change.abs_path)]
    if not in_black:
        return None, []
    black = find_black(root)
    if black is not None:
        folder = Path(in_black[0].abs_path).parent
        note = pin_note(black, folder, root or folder)
        return BlackRunner(black), [note] if note else []
    note = (
        "black (23.11 or later) was not found, so the changed lines of black projects were "
        "formatted by ruff with black's settings, where ruff's known deviations from black remain; "
        "install black next to backfix or in the project's .venv to format them as black does"
    )
    return None, [note]


#: why a file's changed lines were left in its own layout: said in the note that lists it
_NO_FORMATTER = (
    "the project declares no formatter and these files did not pass `ruff format --check` "
    "before the fix"
)


def _notes(outcomes: Sequence[FormatOutcome]) -> list[str]:
    notes = [f"{o.change.path}: not formatted: {o.problem}" for o in outcomes if o.problem]
    skipped = [o.change.path for o in outcomes if o.skipped]
    if skipped:
        notes.append(
            f"{_NO_FORMATTER}, so they keep their own layout (format = true in [tool.backfix] "
            f"formats the changed lines anyway): {_listed(skipped)}"
        )
    wrapped = [o.change.path for o in outcomes if o.wrapped]
    if wrapped:
        notes.append(
            f"{_NO_FORMATTER}, so only the changed statements longer than the line length, or "
            "whose continuation lines the project's linter would newly report, were formatted "
            "(format = true in [tool.backfix] formats all the changed lines): "
            f"{_listed(wrapped)}"
        )
    extras = [(o.too_long, *o.pragma_kept, o.black, o.layout) for o in outcomes]
    return notes + [note for extra in extras for note in extra if note] + _isort_notes(outcomes)


def _isort_notes(outcomes: Sequence[FormatOutcome]) -> list[str]:
    """One note per thing the project's isort said, naming the files it said it of."""
    by_problem: dict[str, list[str]] = {}
    for outcome in outcomes:
        if outcome.isort:
            by_problem.setdefault(outcome.isort, []).append(outcome.change.path)
    return [f"{_listed(paths)}: {problem}" for problem, paths in by_problem.items()]


def _listed(paths: Sequence[str]) -> str:
    """The first five ``paths``, and how many more."""
    more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
    return ", ".join(paths[:5]) + more
