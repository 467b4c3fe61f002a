"""``codemod status`` for the terminal: progress, sparkline, per-file table, next targets."""

from __future__ import annotations

from collections.abc import Mapping

from backfix.reports.sparkline import sparkline
from backfix.status import CodemodStatus, next_line, progress_line, tiers_line


def status_text(statuses: Mapping[str, CodemodStatus]) -> str:
    """Plain text (no colour codes), one block per codemod."""
    if not statuses:
        return "no ledger records yet; run `codemod scan` to record a baseline\n"
    blocks: list[str] = []
    for status in statuses.values():
        spark = sparkline([point.count for point in status.history])
        lines = [f"{progress_line(status)}  {spark}"]
        if status.current:
            lines.append(f"  {tiers_line(status)}")
        if status.files:
            width = max(len("file"), *(len(row.path) for row in status.files))
            lines.append(f"  {'file':<{width}}  left  fixable  manual")
            lines += [
                f"  {row.path:<{width}}  {row.count:>4}  {row.fixable:>7}  {row.manual:>6}"
                for row in status.files
            ]
        if status.next:
            lines.append("  next targets:")
            lines += [f"    {n}. {next_line(row)}" for n, row in enumerate(status.next, 1)]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"
