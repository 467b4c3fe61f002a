"""Where the lines of a file are after a change: what an in-place ``apply`` reports points at.

The violations a codemod leaves are found in the files as they were; once ``apply`` has written
its changes, a report of ``app/models.py:20`` should name the line the reader finds there now, and
so should the lines of that file its reason mentions (``the write at line 18``).
"""

from __future__ import annotations

import re
from dataclasses import replace
from difflib import SequenceMatcher

from backfix.results import FileChange, RunResult, Violation


def _mapped(matcher: SequenceMatcher[bytes], line: int) -> int:
    """Where 1-based ``line`` of the matcher's first file is in its second: the same line where
    it was kept, the line at the same place in what replaced it where it was rewritten, the line
    that follows the gap where it was deleted."""
    index = line - 1
    for _tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i1 <= index < i2:
            return j1 + min(index - i1, max(j2 - j1 - 1, 0)) + 1
    return line


#: a reason's mention of lines of its own file: ``line 573``, ``lines 12, 14``
_LINE_MENTIONS = re.compile(r"\b(lines? )(\d+(?:, \d+)*)\b")


def _mapped_mentions(matcher: SequenceMatcher[bytes], text: str) -> str:
    """``text`` with the lines it mentions (``the write at line 573``) where they are now."""

    def mapped(found: re.Match[str]) -> str:
        lines = (str(_mapped(matcher, int(n))) for n in found.group(2).split(", "))
        return found.group(1) + ", ".join(lines)

    return _LINE_MENTIONS.sub(mapped, text)


def moved_violations(result: RunResult) -> RunResult:
    """``result`` with its remaining violations' lines as they are in the changed files."""
    changes: dict[str, FileChange] = {
        change.path: change for change in result.changes if change.before is not None
    }
    matchers: dict[str, SequenceMatcher[bytes]] = {}
    moved: list[Violation] = []
    for violation in result.violations:
        change = changes.get(violation.path)
        if change is None or change.before is None or violation.path in result.found_after_change:
            moved.append(violation)
            continue
        matcher = matchers.get(violation.path)
        if matcher is None:
            matcher = SequenceMatcher(
                None, change.before.splitlines(), change.after.splitlines(), autojunk=False
            )
            matchers[violation.path] = matcher
        moved.append(
            replace(
                violation,
                line=_mapped(matcher, violation.line),
                reason=_mapped_mentions(matcher, violation.reason),
            )
        )
    return replace(result, violations=moved)
