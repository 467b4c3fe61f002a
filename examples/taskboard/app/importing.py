"""Task rows pasted from a spreadsheet export: lenient parsing, bad rows are skipped."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.models import STATUSES


@dataclass(frozen=True)
class TaskDraft:
    """A validated row, ready to become a Task."""

    title: str
    status: str
    assignee: str | None
    due_date: date | None


def lenient_date(value: Any) -> date | None:
    """An ISO date, or None: spreadsheet cells hold anything, and a bad date is no reason to drop a row."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value).strip())
    except:
        return None


def parse_rows(rows: Iterable[Mapping[str, Any]]) -> tuple[list[TaskDraft], list[int]]:
    """Drafts for the valid rows, and the 0-based indexes of the rows that were skipped."""
    drafts: list[TaskDraft] = []
    skipped: list[int] = []
    for index, row in enumerate(rows):
        try:
            title = row["title"].strip()
            if not title:
                raise ValueError("empty title")
            status = row.get("status") or "todo"
            if status not in STATUSES:
                raise ValueError(f"unknown status {status!r}")
            assignee = row.get("assignee") or None
            drafts.append(TaskDraft(title, status, assignee, lenient_date(row.get("due_date"))))
        except:
            skipped.append(index)
            continue
    return drafts, skipped
