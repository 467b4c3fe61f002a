"""Unified diffs with git-style a/ b/ headers and ``\\ No newline at end of file`` markers."""

from __future__ import annotations

import difflib

from backfix.results import FileChange
from backfix.source import declared_encoding

NO_NEWLINE = "\\ No newline at end of file\n"


def _lines(text: str) -> list[str]:
    # Split on "\n" only: str.splitlines() also splits on form feeds and other separators, which would
    # produce hunks that do not apply.
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _decode(data: bytes) -> str:
    return data.decode(declared_encoding(data), errors="replace")


def unified_diff(change: FileChange, context: int = 3) -> str:
    """The diff of one change; empty when the content is the same."""
    before = _decode(change.before) if change.before is not None else ""
    after = _decode(change.after)
    if before == after and change.before is not None:
        return ""
    old_name = f"a/{change.path}" if change.before is not None else "/dev/null"
    out: list[str] = []
    for line in difflib.unified_diff(
        _lines(before), _lines(after), old_name, f"b/{change.path}", n=context, lineterm="\n"
    ):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n" + NO_NEWLINE)
    return "".join(out)


def render_diffs(changes: list[FileChange], context: int = 3) -> str:
    """All diffs, in path order."""
    return "".join(unified_diff(c, context) for c in sorted(changes, key=lambda c: c.path))
