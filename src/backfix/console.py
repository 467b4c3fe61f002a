"""Terminal output: colour and progress on a terminal, plain text when piped. Only the CLI prints.

``stdout`` and ``stderr`` print through rich only to a terminal (or where ``FORCE_COLOR`` asks for
colour); piped output (CI, scripts, a benchmark) is the plain text written as is, so such a run
never loads rich, whose import costs about a quarter of LibCST's.
"""

from __future__ import annotations

import functools
import os
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

from backfix.results import FileError, RunResult, Violation

if TYPE_CHECKING:
    from typing import TextIO

    from rich.console import Console

    stderr: Output
    stdout: Output

#: environment variables that make rich write colour to a stream that is not a terminal
_COLOUR_FORCED = ("FORCE_COLOR", "TTY_COMPATIBLE")


@functools.cache
def _rich(name: str) -> Console:
    from rich.console import Console  # rich costs start-up: see the module docstring

    return Console(stderr=name == "stderr", highlight=False, soft_wrap=True, emoji=False)


class Output:
    """``sys.stdout`` or ``sys.stderr`` (whichever it is when printing): plain text unless rich
    would colour it."""

    def __init__(self, name: str) -> None:
        self.name = name

    @property
    def file(self) -> TextIO:
        """The stream, looked up on each use (a test runner swaps it)."""
        return sys.stderr if self.name == "stderr" else sys.stdout

    @property
    def is_terminal(self) -> bool:
        """Whether rich prints this stream (a terminal, or colour forced)."""
        return any(os.environ.get(name) for name in _COLOUR_FORCED) or self.file.isatty()

    def print(
        self, text: str, *, style: str | None = None, markup: bool = False, end: str = "\n"
    ) -> None:
        """Print ``text`` (rich markup only with ``markup``); ``style`` colours it on a terminal."""
        if markup or self.is_terminal:
            _rich(self.name).print(text, style=style, markup=markup, end=end)
            return
        stream = self.file
        try:
            stream.write(text + end)
        except UnicodeEncodeError:
            encoding = stream.encoding or "utf-8"
            stream.write((text + end).encode(encoding, "replace").decode(encoding))
        stream.flush()


@functools.cache
def _console(name: str) -> Output:
    return Output(name)


def __getattr__(name: str) -> Output:
    """The module's ``stdout`` and ``stderr`` outputs."""
    if name in ("stdout", "stderr"):
        return _console(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@contextmanager
def progress_bar(enabled: bool) -> Iterator[object]:
    """A rich progress bar on stderr when it is a terminal; yields the runner's progress callback."""
    if not (enabled and _console("stderr").is_terminal):
        yield None
        return
    # Imported here: a piped run (CI, scripts) never shows a bar, so it need not load one.
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_rich("stderr"),
        transient=True,
        auto_refresh=False,  # no refresh thread: worker processes are forked
    )
    tasks: dict[str, object] = {}

    def update(label: str, done: int, total: int) -> None:
        if label not in tasks:
            tasks[label] = progress.add_task(label, total=total)
        progress.update(tasks[label], completed=done)  # type: ignore[arg-type]
        progress.refresh()

    with progress:
        yield update


#: a reason this many manual findings share is printed once, after them, and they refer to it
SHARED_REASON = 3


def shared_reasons(violations: Sequence[Violation]) -> dict[str, int]:
    """The reasons ``SHARED_REASON`` or more manual violations share, numbered in order."""
    counts = Counter(v.reason for v in violations if not v.fixable and v.reason)
    numbers: dict[str, int] = {}
    for violation in violations:
        reason = violation.reason
        if counts[reason] >= SHARED_REASON and reason not in numbers and not violation.fixable:
            numbers[reason] = len(numbers) + 1
    return numbers


def reason_lines(violations: Sequence[Violation], shared: Mapping[str, int]) -> list[str]:
    """``reason N (K findings): <reason>`` for each shared reason."""
    counts = Counter(v.reason for v in violations if not v.fixable)
    return [f"reason {n} ({counts[reason]} findings): {reason}" for reason, n in shared.items()]


def violation_line(violation: Violation, shared: Mapping[str, int] | None = None) -> str:
    """``path:line:col: [codemod] message (fixable | manual: reason)``.

    A manual violation with a reason id reads ``[manual: <reason-id>] reason``, so the id can be
    looked up in the codemod's docs page. A reason in ``shared`` (see :func:`shared_reasons`) is
    named by its number, ``(reason N, below)``.
    """
    reason = violation.reason or "not auto-fixable"
    if shared and violation.reason in shared:
        reason = f"(reason {shared[violation.reason]}, below)"
    if violation.fixable:
        status = "(fixable)"
    elif violation.reason_id:
        status = f"[manual: {violation.reason_id}] {reason}"
    else:
        status = f"(manual: {reason})"
    return (
        f"{violation.path}:{violation.line}:{violation.col}: [{violation.codemod}] "
        f"{violation.message} {status}"
    )


def error_line(error: FileError) -> str:
    """``path:line:col: error kind: message``; just ``path:`` when the error has no position."""
    where = f"{error.path}:{error.line}:{error.col}" if error.line else error.path
    return f"{where}: error {error.kind}: {error.message}"


def print_errors(errors: list[FileError], verbose: bool) -> None:
    """Errors on stderr; tracebacks only with -v."""
    for error in errors:
        _console("stderr").print(error_line(error), style="red", markup=False)
        if verbose and error.detail:
            _console("stderr").print(error.detail, markup=False)


def print_scan(result: RunResult) -> None:
    """The violation list on stdout and the totals on stderr."""
    shared = shared_reasons(result.violations)
    for violation in result.violations:
        _console("stdout").print(violation_line(violation, shared), markup=False)
    for line in reason_lines(result.violations, shared):
        _console("stdout").print(line, markup=False)
    totals = ", ".join(f"{cid}: {count}" for cid, count in result.totals().items())
    fixable = sum(v.fixable for v in result.violations)
    _console("stderr").print(
        f"{len(result.violations)} violation(s) ({fixable} fixable) in "
        f"{len({v.path for v in result.violations})} file(s); {totals}; "
        f"{result.files_discovered} file(s) scanned, {result.files_parsed} parsed, "
        f"{result.files_cached} from cache, "
        f"{len(result.errors)} error(s)",
        markup=False,
    )
    for assumption in result.assumptions:
        _console("stderr").print(f"assumed: {assumption}", markup=False)
    for note in result.notes:
        _console("stderr").print(f"  note: {note}", markup=False)


def print_apply_summary(codemod_id: str, result: RunResult, written: str) -> None:
    """What was fixed, what is left for manual review and why, on stderr."""
    created = sum(1 for change in result.changes if change.before is None)
    files = f"{len(result.changes) - created} file(s)" + (
        f" and {created} new file(s)" if created else ""
    )
    _console("stderr").print(
        f"{codemod_id}: {len(result.fixed)} violation(s) fixed in {files} "
        f"({written}); {len(result.violations)} remaining, {len(result.manual)} for manual review",
        style="bold",
        markup=False,
    )
    shared = shared_reasons(result.manual)
    for violation in result.manual:
        _console("stderr").print(
            "  manual: " + violation_line(violation, shared), style="yellow", markup=False
        )
    for line in reason_lines(result.manual, shared):
        _console("stderr").print(f"  {line}", style="yellow", markup=False)
    for note in result.notes:
        _console("stderr").print(f"  note: {note}", markup=False)
    for assumption in result.assumptions:
        _console("stderr").print(f"  assumed: {assumption}", markup=False)


def is_interactive() -> bool:
    """True when stderr is a terminal."""
    return sys.stderr.isatty()


def print_error(message: str) -> None:
    """``error: <message>`` on stderr."""
    _console("stderr").print(f"error: {message}", style="red", markup=False)


def print_warning(message: str) -> None:
    """``warning: <message>`` on stderr."""
    _console("stderr").print(f"warning: {message}", style="yellow", markup=False)
