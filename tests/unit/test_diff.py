"""Unified diffs of a change: what a reviewer reads in a dry run."""

from __future__ import annotations

import difflib

from backfix.diff import unified_diff
from backfix.results import FileChange


def test_unchanged_blank_lines_of_a_long_file_are_context() -> None:
    """On a file of 200 lines or more, difflib's junk heuristic takes blank lines for junk and
    shows unchanged ones removed and added again; the diff keeps them as context."""
    before = "".join(f"def f{i}(s):\n    return s.query(X).get({i})\n\n\n" for i in range(60))
    after = before.replace("s.query(X).get(", "s.get(X, ")
    diff = unified_diff(FileChange("m.py", "/p/m.py", before.encode(), after.encode()))
    removed = [line for line in diff.splitlines() if line.startswith("-")][1:]
    assert len(removed) == 60
    assert all(line.startswith("-    return s.query(X).get(") for line in removed)
    junked = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="")
    assert "-" in list(junked), "the sample no longer shows difflib's heuristic at work"
