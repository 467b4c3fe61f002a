"""Unified diffs with git-style a/ b/ headers and ``\\ No newline at end of file`` markers."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

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
    for line in _unified(_lines(before), _lines(after), old_name, f"b/{change.path}", context):
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n" + NO_NEWLINE)
    return "".join(out)


def _unified(
    before: list[str], after: list[str], old_name: str, new_name: str, context: int
) -> Iterator[str]:
    """``difflib.unified_diff`` without its junk heuristic: on a file of 200 lines or more it
    takes lines found in over 1% of them (blank lines) for junk, and the diff then shows
    unchanged blank lines removed and added again."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for index, group in enumerate(matcher.get_grouped_opcodes(context)):
        if index == 0:
            yield f"--- {old_name}\n"
            yield f"+++ {new_name}\n"
        first, last = group[0], group[-1]
        yield f"@@ -{_range(first[1], last[2])} +{_range(first[3], last[4])} @@\n"
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                yield from (" " + line for line in before[i1:i2])
                continue
            yield from ("-" + line for line in before[i1:i2])
            yield from ("+" + line for line in after[j1:j2])


def _range(start: int, stop: int) -> str:
    """A hunk's range as unified diffs write it (``difflib``'s own rule)."""
    length = stop - start
    if length == 1:
        return str(start + 1)
    return f"{start + 1 if length else start},{length}"


def render_diffs(changes: list[FileChange], context: int = 3) -> str:
    """All diffs, in path order."""
    return "".join(unified_diff(c, context) for c in sorted(changes, key=lambda c: c.path))
