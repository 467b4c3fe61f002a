"""A reason many manual findings share is printed once, and the findings refer to it."""

from __future__ import annotations

from backfix.console import reason_lines, shared_reasons, violation_line
from backfix.results import Violation

OLD = "the project runs on SQLAlchemy 1.3.24, which has no 2.0-style `select()` API"


def _manual(line: int, reason: str) -> Violation:
    return Violation(
        "app/views.py",
        line,
        5,
        "async-queries",
        "legacy Query API",
        False,
        reason,
        reason_id="sqlalchemy-too-old",
    )


def test_a_reason_three_findings_share_is_printed_once_below_them() -> None:
    violations = [_manual(n, OLD) for n in (3, 8, 12)] + [_manual(20, "another reason")]
    shared = shared_reasons(violations)
    assert shared == {OLD: 1}
    assert violation_line(violations[0], shared) == (
        "app/views.py:3:5: [async-queries] legacy Query API "
        "[manual: sqlalchemy-too-old] (reason 1, below)"
    )
    assert violation_line(violations[3], shared).endswith("another reason")
    assert reason_lines(violations, shared) == [f"reason 1 (3 findings): {OLD}"]


def test_two_findings_with_one_reason_keep_it_on_their_lines() -> None:
    violations = [_manual(3, OLD), _manual(8, OLD)]
    assert shared_reasons(violations) == {}
    assert violation_line(violations[0], {}).endswith(OLD)
