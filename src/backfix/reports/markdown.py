"""Markdown from the jinja2 templates in ``templates/reports/``: status, report and PR body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from backfix.reports import Snapshot
from backfix.results import REVIEW, SAFE, RunResult
from backfix.status import CodemodStatus
from backfix.templating import render


def status_markdown(statuses: Mapping[str, CodemodStatus], overrides: Sequence[str] = ()) -> str:
    """``codemod status --format md``."""
    return render("reports/status.md.j2", overrides, statuses=statuses)


def report_markdown(
    statuses: Mapping[str, CodemodStatus],
    snapshots: Sequence[Snapshot],
    overrides: Sequence[str] = (),
) -> str:
    """``codemod report --format md``: current violations by codemod and file, and the history."""
    return render("reports/report.md.j2", overrides, statuses=statuses, snapshots=snapshots)


def batch_context(
    codemod: str, result: RunResult, status: CodemodStatus | None, max_files: int | None
) -> dict[str, Any]:
    """What the PR body and the commit message say about one batch."""
    fixed_by_file: dict[str, int] = {}
    for violation in result.fixed:
        fixed_by_file[violation.path] = fixed_by_file.get(violation.path, 0) + 1
    return {
        "codemod": codemod,
        "fixed": len(result.fixed),
        "fixed_by_file": sorted(fixed_by_file.items()),
        "tiers": {tier: sum(v.tier == tier for v in result.fixed) for tier in (SAFE, REVIEW)},
        "changed": [change.path for change in result.changes],
        "created": [change.path for change in result.changes if change.before is None],
        "manual": result.manual,
        "notes": result.notes,
        "status": status,
        "max_files": max_files,
    }


def pr_body(context: Mapping[str, Any], overrides: Sequence[str] = ()) -> str:
    """The pull-request description of one batch (``apply --pr-body FILE``)."""
    return render("reports/pr_body.md.j2", overrides, **context)


def commit_progress(context: Mapping[str, Any], overrides: Sequence[str] = ()) -> str:
    """The migration-progress paragraph appended to a branch commit's message."""
    return render("reports/commit_progress.txt.j2", overrides, **context).strip()
