"""After an in-place apply, what remains is reported at its lines in the files as written."""

from __future__ import annotations

from backfix.line_map import moved_violations
from backfix.results import FileChange, RunResult, Violation

BEFORE = b"import os\n\n\ndef a():\n    return q.first()\n\n\ndef b(m):\n    return m.query.all()\n"
AFTER = (
    b"import os\n\nfrom sqlalchemy import select\n\n\ndef a():\n    return session.scalars(\n"
    b"        select(Q).limit(1)\n    ).first()\n\n\ndef b(m):\n    return m.query.all()\n"
)


def _violation(path: str, line: int) -> Violation:
    return Violation(path, line, 12, "async-queries", "legacy", fixable=False, reason="why")


def test_a_remaining_violation_moves_with_the_lines_written_above_it() -> None:
    """timesketch and ihatemoney: the rewrite above wrapped a query onto three lines and added an
    import, and the manual finding below it was reported four lines too high."""
    result = RunResult(
        ["async-queries"],
        violations=[_violation("app/models.py", 9), _violation("app/other.py", 9)],
        changes=[FileChange("app/models.py", "/x/app/models.py", BEFORE, AFTER)],
    )
    moved = moved_violations(result)
    assert [v.line for v in moved.violations] == [13, 9]
    assert AFTER.splitlines()[12].strip() == b"return m.query.all()"


def test_a_rewritten_line_maps_into_what_replaced_it() -> None:
    result = RunResult(
        ["async-queries"],
        violations=[_violation("app/models.py", 5)],
        changes=[FileChange("app/models.py", "/x/app/models.py", BEFORE, AFTER)],
    )
    (violation,) = moved_violations(result).violations
    assert 7 <= violation.line <= 9


def test_the_lines_a_reason_mentions_move_too() -> None:
    """mwdb: after an in-place apply, a manual finding at its new line said "the write at line
    573" of the file as it was; every mention of a line of that file moves with it."""
    violation = Violation(
        "app/models.py",
        9,
        12,
        "move-commits",
        "commit",
        fixable=False,
        reason="the write at line 9 is committed here, but lines 5, 9 stay (line length 88)",
    )
    result = RunResult(
        ["move-commits"],
        violations=[violation],
        changes=[FileChange("app/models.py", "/x/app/models.py", BEFORE, AFTER)],
    )
    (moved,) = moved_violations(result).violations
    assert moved.reason.startswith("the write at line 13 is committed here, but lines ")
    assert moved.reason.endswith(", 13 stay (line length 88)")
