"""Merging ledger records per file, the status numbers, ranking and batch selection."""

from __future__ import annotations

import pytest

from backfix.ledger import CodemodRecord, Record
from backfix.reports.sparkline import sparkline
from backfix.results import Violation
from backfix.status import (
    FileRow,
    codemod_status,
    compute,
    merged,
    progress_line,
    rank,
    rows,
    select_batch,
)


def v(path: str, n: int, fixable: bool = True, codemod: str = "bare-except") -> Violation:
    """The ``n``-th violation in ``path`` (scope and snippet make it unique)."""
    return Violation(
        path, n * 10, 5, codemod, "msg", fixable, "" if fixable else "why", "f", f"s{n}"
    )


def rec(
    paths: tuple[str, ...],
    *violations: Violation,
    fixed: tuple[Violation, ...] = (),
    errors: tuple[str, ...] = (),
    codemod: str = "bare-except",
) -> Record:
    """A record of ``codemod`` covering ``paths``."""
    return Record(
        timestamp="t",
        command="c",
        paths=paths,
        errors=errors,
        codemods={codemod: CodemodRecord.from_violations(violations, fixed)},
    )


def test_a_later_record_replaces_only_the_files_it_covered() -> None:
    base = rec((".",), v("app/a.py", 1), v("app/a.py", 2), v("lib/b.py", 1))
    batch = rec(("app",), v("app/a.py", 2))  # fixed one in app/, says nothing about lib/
    state = merged([base, batch], "bare-except")
    assert {path: len(entries) for path, entries in state.items()} == {"app/a.py": 1, "lib/b.py": 1}


def test_a_covered_file_without_violations_is_clean_now() -> None:
    base = rec((".",), v("app/a.py", 1), v("lib/b.py", 1))
    rescan = rec(("app",))
    assert list(merged([base, rescan], "bare-except")) == ["lib/b.py"]


def test_files_with_errors_keep_what_earlier_records_said() -> None:
    base = rec((".",), v("app/a.py", 1), v("app/b.py", 1))
    broken = rec((".",), errors=("app/a.py",))
    assert list(merged([base, broken], "bare-except")) == ["app/a.py"]


def test_baseline_current_fixed_percent_manual() -> None:
    base = rec((".",), v("a.py", 1), v("a.py", 2), v("b.py", 1), v("c.py", 1, fixable=False))
    batch1 = rec(
        (".",), v("a.py", 2), v("b.py", 1), v("c.py", 1, fixable=False), fixed=(v("a.py", 1),)
    )
    batch2 = rec(("b.py",), fixed=(v("b.py", 1),))
    status = codemod_status([base, batch1, batch2], "bare-except")
    assert status.baseline == 4
    assert status.current == 2
    assert status.fixed == 2
    assert status.percent == 50
    assert status.manual == 1
    assert [(r.path, r.count, r.fixable, r.manual) for r in status.files] == [
        ("a.py", 1, 1, 0),
        ("c.py", 1, 0, 1),
    ]
    assert [p.count for p in status.history] == [4, 3, 2]
    assert [p.batch_fixed for p in status.history] == [0, 1, 1]
    assert status.to_json()["next"] == [
        {"path": "a.py", "count": 1, "fixable": 1, "manual": 0, "complexity": "low"}
    ]


def test_a_first_apply_with_no_scan_before_counts_what_it_fixed() -> None:
    """No earlier record: the violations the apply fixed were there before it."""
    first = rec((".",), v("b.py", 1, fixable=False), fixed=(v("a.py", 1), v("a.py", 2)))
    status = codemod_status([first], "bare-except")
    assert (status.baseline, status.current, status.fixed, status.percent) == (3, 1, 2, 66)
    again = rec((".",), v("b.py", 1, fixable=False))
    assert codemod_status([first, again], "bare-except").fixed == 2


def test_a_violation_added_then_fixed_counts_as_fixed() -> None:
    base = rec((".",), v("a.py", 1))
    grown = rec((".",), v("a.py", 1), v("a.py", 2))
    shrunk = rec((".",), v("a.py", 1))
    status = codemod_status([base, grown, shrunk], "bare-except")
    assert (status.baseline, status.current, status.fixed) == (1, 1, 1)


def test_codemods_are_merged_independently() -> None:
    scan = Record(
        timestamp="t",
        command="codemod scan",
        paths=(".",),
        codemods={
            "bare-except": CodemodRecord.from_violations([v("a.py", 1)]),
            "move-commits": CodemodRecord.from_violations([v("r.py", 1, codemod="move-commits")]),
        },
    )
    apply = rec((".",), codemod="move-commits")
    statuses = compute([scan, apply])
    assert {cid: s.current for cid, s in statuses.items()} == {"bare-except": 1, "move-commits": 0}
    assert statuses["move-commits"].percent == 100
    assert list(compute([scan, apply], ["bare-except"])) == ["bare-except"]


def _query(
    path: str, scope: str, message: str = "legacy Query API: db.query(Item).first()"
) -> Violation:
    return Violation(
        path, 10, 5, "async-queries", message, True, "", scope, "db.query(Item).first()"
    )


def _moving(
    fixed_in: str = "app/routes.py", message: str = "legacy Query API: db.query(Item).first()"
) -> list[Record]:
    """Scan, move-commits carries `rename`'s query into a service function, scan again."""
    scan = rec(
        (".",),
        _query("app/routes.py", "rename"),
        _query("app/routes.py", "other", "m2"),
        codemod="async-queries",
    )
    moved = rec((".",), fixed=(v(fixed_in, 1, codemod="move-commits"),), codemod="move-commits")
    rescan = rec(
        (".",),
        _query("app/routes.py", "other", "m2"),
        _query("app/services/items.py", "rename_item", message),
        codemod="async-queries",
    )
    return [scan, moved, rescan]


def test_a_violation_another_codemod_carried_into_another_file_is_moved_not_fixed() -> None:
    status = codemod_status(_moving(), "async-queries")
    assert (status.baseline, status.current, status.fixed, status.moved) == (2, 2, 0, 1)
    assert status.percent == 0
    assert "0 fixed (0% complete), 1 moved to another file" in progress_line(status)
    fixed_later = rec((".",), _query("app/routes.py", "other", "m2"), codemod="async-queries")
    status = codemod_status([*_moving(), fixed_later], "async-queries")
    assert (status.current, status.fixed, status.moved, status.percent) == (1, 1, 1, 50)


@pytest.mark.parametrize(
    ("fixed_in", "message"),
    [
        pytest.param(
            "app/other.py", "legacy Query API: db.query(Item).first()", id="file-not-rewritten"
        ),
        pytest.param(
            "app/routes.py", "legacy Query API: db.query(Other).first()", id="other-message"
        ),
    ],
)
def test_a_violation_gone_while_another_appears_is_not_moved_without_evidence(
    fixed_in: str, message: str
) -> None:
    status = codemod_status(_moving(fixed_in, message), "async-queries")
    assert (status.current, status.fixed, status.moved) == (2, 1, 0)


def test_empty_history_is_zero() -> None:
    status = codemod_status([], "bare-except")
    assert (status.baseline, status.current, status.fixed, status.percent) == (0, 0, 0, 100)


def test_ranking_fewest_first_then_most_and_path() -> None:
    file_rows = [
        FileRow("z.py", 1, 1, 0),
        FileRow("big.py", 7, 7, 0),
        FileRow("mixed.py", 2, 1, 1),
        FileRow("a.py", 2, 2, 0),
        FileRow("manual_only.py", 1, 0, 1),
    ]
    assert [r.path for r in rank(file_rows)] == ["z.py", "a.py", "mixed.py", "big.py"]
    assert [r.complexity for r in rank(file_rows)] == ["low", "low", "medium", "high"]
    assert [r.path for r in rank(file_rows, "most")] == ["big.py", "a.py", "mixed.py", "z.py"]
    assert [r.path for r in rank(file_rows, "path")] == ["a.py", "big.py", "mixed.py", "z.py"]
    with pytest.raises(ValueError, match="unknown ranking"):
        rank(file_rows, "random")


def test_select_batch_takes_the_next_files_with_fixable_violations() -> None:
    found = [v("big.py", n) for n in range(5)] + [
        v("small.py", 1),
        v("manual.py", 1, fixable=False),
    ]
    assert select_batch(found, 1) == {"small.py"}
    assert select_batch(found, 2) == {"small.py", "big.py"}
    assert select_batch(found, 10) == {"small.py", "big.py"}
    assert select_batch(found, 1, "most") == {"big.py"}
    assert [r.path for r in rows(found)] == ["big.py", "manual.py", "small.py"]


def test_sparkline() -> None:
    assert sparkline([]) == ""
    assert sparkline([0, 0]) == "▁▁"
    assert sparkline([8, 4, 0]) == "█▅▁"
    assert len(sparkline(list(range(100)), width=10)) == 10
