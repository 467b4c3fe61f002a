"""black over the changed statements of a black project, after ruff formatted them.

ruff's formatter follows black closely but not exactly (ruff documents its known deviations): a
wrapped ``for`` header, for one, where black puts the iterable in parentheses and ruff leaves it.
So in a project that declares black as its formatter, :mod:`backfix.formatting` runs black with
``--line-ranges`` over the statements ruff formatted, when black 23.11 or later can be found.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import shutil
import subprocess
import sysconfig
from collections.abc import Sequence
from pathlib import Path

from backfix.tool_pins import pinned_version

#: ``--line-ranges`` works from this black on.
MIN_BLACK = (23, 11)
BLACK_TIMEOUT = 60
_VERSION = re.compile(rb"(\d+)\.(\d+)")

Span = tuple[int, int]
Command = tuple[str, ...]


class BlackError(Exception):
    """black did not run, or refused the file (a parse error, a ``required-version`` mismatch)."""


@functools.lru_cache(maxsize=32)
def tool_version(command: Sequence[str], timeout: int = BLACK_TIMEOUT) -> tuple[int, int] | None:
    """The major and minor version ``command --version`` prints, None when it does not run."""
    try:
        done = subprocess.run([*command, "--version"], capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    match = _VERSION.search(done.stdout)
    if done.returncode != 0 or match is None:
        return None
    major, minor = map(int, match.groups())
    return major, minor


@functools.lru_cache(maxsize=32)
def find_black(root: Path | None = None) -> Command | None:
    """The command that runs black: the project's own (in ``root``'s ``.venv``/``venv``), else the
    black installed next to backfix (in the same scripts folder), else one on ``PATH``; None when
    none is 23.11 or later."""
    candidates: list[Command] = []
    if root is not None:
        for venv in (".venv", "venv"):
            for name in ("bin/black", "Scripts/black.exe"):
                if (root / venv / name).is_file():
                    candidates.append((str(root / venv / name),))
    # The script, not ``python -m black``: that would put the working folder first on sys.path,
    # and a project module named like a standard one (``string.py``) would break black's imports.
    for where in (sysconfig.get_path("scripts"), None):
        found = shutil.which("black", path=where)
        if found:
            candidates.append((found,))
    return next((c for c in candidates if (tool_version(c) or (0, 0)) >= MIN_BLACK), None)


def pinned_black(folder: Path, root: Path) -> tuple[str, str] | None:
    """The black version the project at ``folder`` pins, and where (see
    :func:`backfix.tool_pins.pinned_version`)."""
    return pinned_version(folder, root, "black", r"black[\w-]*")


def pin_note(command: Command, folder: Path, root: Path) -> str:
    """A note when the black that ``command`` runs has another stable style (another year, its
    major version) than the black the project pins; "" when they agree or nothing is pinned."""
    running = tool_version(command)
    pinned = pinned_black(folder, root)
    if running is None or pinned is None:
        return ""
    version, source = pinned
    major = re.match(r"\d+", version)
    if major is None or int(major.group()) == running[0]:
        return ""
    return (
        f"black {running[0]}.{running[1]} formatted the changed lines of black projects, and "
        f"{source} pins black {version}, whose stable style may differ (black changes it each "
        f"year); run the project's black over the changed files, or install black {version} in "
        "the project's .venv, where backfix looks for black first"
    )


def black_args(path: str, line_length: int, ranges: Sequence[Span]) -> list[str]:
    """black's arguments to format the statements on lines ``ranges`` (1-based, inclusive) of the
    content of ``path``, read from stdin; black reads the project's configuration from ``path``."""
    args = ["--quiet", "--fast", "--line-length", str(line_length)]
    args += [f"--line-ranges={first}-{last}" for first, last in ranges]
    return [*args, "--stdin-filename", os.path.abspath(path), "-"]


def black_output(code: int, stdout: bytes, stderr: bytes, encoding: str) -> str:
    """The formatted text black printed, or :class:`BlackError` with black's last word."""
    if code != 0:  # black prints the input back when it cannot parse it
        message = stderr.decode("utf-8", "replace").strip().splitlines()
        raise BlackError(f"black failed: {message[-1] if message else code}")
    try:
        return stdout.decode(encoding)
    except (UnicodeError, LookupError) as exc:
        raise BlackError(f"black did not run: {exc}") from None


def encoded(text: str, encoding: str) -> bytes:
    """``text`` in the file's ``encoding``, as black reads it (by its coding cookie)."""
    try:
        return text.encode(encoding)
    except (UnicodeError, LookupError) as exc:
        raise BlackError(f"black did not run: {exc}") from None


def run_black(
    black: Command, text: str, path: str, line_length: int, ranges: Sequence[Span], encoding: str
) -> str:
    """``text`` (the content of ``path``) with the statements on lines ``ranges`` (1-based,
    inclusive) formatted by one black process."""
    try:
        done = subprocess.run(
            [*black, *black_args(path, line_length, ranges)],
            input=encoded(text, encoding),
            capture_output=True,
            cwd=Path(path).parent if Path(path).parent.is_dir() else None,
            timeout=BLACK_TIMEOUT,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        raise BlackError(f"black did not run: {exc}") from None
    return black_output(done.returncode, done.stdout, done.stderr, encoding)


def without_rows(spans: Sequence[Span], rows: Sequence[int]) -> list[Span]:
    """``spans`` with ``rows`` taken out (a span holding one is split around it)."""
    left: list[Span] = []
    for first, last in spans:
        start = first
        for row in sorted(r for r in rows if first <= r <= last):
            if start < row:
                left.append((start, row - 1))
            start = row + 1
        if start <= last:
            left.append((start, last))
    return left


def confined(text: str, blacked: str, ranges: Sequence[Span]) -> str | None:
    """``blacked`` (``text`` after black over ``ranges``) with black's blank lines outside
    ``ranges`` undone: with ``--line-ranges``, black can add or drop blank lines next to a range
    (before the next ``def``, after a docstring) that formatting the whole file would keep. Blank
    lines before a statement outside ``ranges`` count as outside. None when black changed a line
    of code outside ``ranges``."""
    old, new = text.splitlines(keepends=True), blacked.splitlines(keepends=True)
    inside = _inside(old, ranges)
    kept: list[str] = []
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        blank = not any(line.strip() for line in old[i1:i2] + new[j1:j2])
        if tag == "equal" or _within(inside, i1, i2, strict=blank):
            kept += new[j1:j2]
        elif blank:
            kept += old[i1:i2]
        else:
            return None
    return "".join(kept)


def _inside(lines: Sequence[str], ranges: Sequence[Span]) -> set[int]:
    """The 0-based indices of ``lines`` in ``ranges``, less the blank lines before a statement
    outside them: those blank lines are the next statement's, which black does not format."""
    inside = {row - 1 for first, last in ranges for row in range(first, last + 1)}
    following = False  # whether the next non-blank line (below) is inside
    for index in range(len(lines) - 1, -1, -1):
        if lines[index].strip():
            following = index in inside
        elif not following:
            inside.discard(index)
    return inside


def _within(inside: set[int], i1: int, i2: int, strict: bool) -> bool:
    """Whether the lines ``i1:i2`` (0-based) replaced, or an insertion before ``i1``, lie within
    the ``inside`` lines: an insertion between two of them, or (unless ``strict``) after one."""
    if i2 > i1:
        return all(i in inside for i in range(i1, i2))
    return i1 - 1 in inside and (i1 in inside or not strict)
