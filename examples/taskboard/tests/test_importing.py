"""The lenient spreadsheet parser behind the bulk import."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from app.importing import TaskDraft, lenient_date, parse_rows


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2030-02-03", date(2030, 2, 3)),
        (" 2030-02-03 ", date(2030, 2, 3)),
        ("", None),
        (None, None),
        ("03/02/2030", None),
        ("2030-02-30", None),
    ],
)
def test_lenient_date(value: Any, expected: date | None) -> None:
    assert lenient_date(value) == expected


def test_parse_rows_keeps_valid_rows_and_reports_the_rest() -> None:
    rows: list[Any] = [
        {"title": "a", "status": "doing", "assignee": "", "due_date": "2030-01-01"},
        {"title": None},
        {"status": "todo"},
        {"title": "b", "status": "later"},
        {"title": "c"},
    ]

    drafts, skipped = parse_rows(rows)

    assert drafts == [
        TaskDraft("a", "doing", None, date(2030, 1, 1)),
        TaskDraft("c", "todo", None, None),
    ]
    assert skipped == [1, 2, 3]
