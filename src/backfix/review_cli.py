"""What ``apply`` adds for review: ``--only TIER``, ``--interactive``, ``--format json``, tiers in diffs.

The command line calls into this module at three points: after the run (choose which changes to keep),
where the dry-run diff is printed, and where the summary is printed.
"""

from __future__ import annotations

import json
import re
import sys

import click

from backfix import console, interactive, review
from backfix.diff import unified_diff
from backfix.exits import Failure
from backfix.line_map import moved_violations
from backfix.reports.apply_json import apply_document
from backfix.results import RunResult, Violation
from backfix.runner import CodemodSpec
from backfix.source import SourceFile

FORMATS = ("text", "json")
ONLY = (review.SAFE,)
_HUNK = re.compile(r"^@@ -(\d+)(?:,(\d+))? \+\S+ @@")


def check_selection(only: str | None, ask: bool, bisect: bool) -> None:
    """Raise Failure before any analysis when the selection options cannot work together or here."""
    if (only is not None or ask) and bisect:
        # --bisect plans whole files again while it narrows a failure down: it would bring back
        # the changes left out here.
        raise Failure(
            "--bisect cannot keep an --only or --interactive selection; use --verify without it"
        )
    if ask and not (sys.stdin.isatty() and sys.stderr.isatty()):
        raise Failure("--interactive needs a terminal (stdin and stderr are not both one)")


def select(
    spec: CodemodSpec,
    result: RunResult,
    only: str | None,
    ask: bool,
) -> None:
    """Keep in ``result`` only the changes of tier ``only`` and, with ``ask``, those accepted.

    What is not kept stays open: its violations go back to ``result.violations``.
    """
    if (only is None and not ask) or not result.changes:
        return
    plan = review.build(result, spec.cls.LOCAL)
    chosen = [c for c in plan.changes if only is None or c.tier == only]
    if ask:
        offered = len(chosen)
        chosen = interactive.ask(plan, chosen, interactive.terminal())
        console.stderr.print(
            f"accepted {len(chosen)} of {offered} change(s); the violations of the others stay "
            "open",
            markup=False,
        )
    if len(chosen) == len(plan.changes) and not any(c.edited for c in chosen):
        return
    review.keep(plan, result, chosen, _analyzer(spec), spec.cls.LOCAL)


def _analyzer(spec: CodemodSpec) -> review.Analyze:
    codemod = spec.create()

    def analyze(path: str, abs_path: str, content: bytes) -> list[Violation]:
        return list(codemod.analyze(SourceFile(path, abs_path, content)).violations)

    return analyze


def print_diffs(spec: CodemodSpec, result: RunResult, fmt: str) -> None:
    """The dry-run diff on stdout (text format only), each ``@@`` line naming its tier."""
    if fmt == "text":
        sys.stdout.write(annotated_diffs(review.build(result, spec.cls.LOCAL, check=False)))
        sys.stdout.flush()


def annotated_diffs(plan: review.Review) -> str:
    """Every file's diff; a hunk header ends with the tier, codemod and lines of its changes."""
    out: list[str] = []
    for path, file_plan in plan.files.items():
        changes = [c for c in plan.changes if path in c.files]
        for line in unified_diff(file_plan.change).splitlines(keepends=True):
            match = _HUNK.match(line)
            if match:
                start = int(match.group(1))
                length = 1 if match.group(2) is None else int(match.group(2))
                low, high = (start, start) if length == 0 else (start - 1, start - 1 + length)
                labels = [
                    _label(c, path, low, high) for c in changes if _touches(c, path, low, high)
                ]
                line = line.rstrip("\n") + " " + "; ".join(dict.fromkeys(labels)) + "\n"
            out.append(line)
    return "".join(out)


def _touches(change: review.Change, path: str, low: int, high: int) -> bool:
    # (lines inserted right after the hunk's last line, as methods added at the end of an
    # existing service module, belong to it too)
    return any(
        h.path == path
        and (h.start < high or (low == high == h.start) or (h.start == h.end == high))
        and max(h.end, h.start + 1) > low
        for h in change.all_hunks
    )


def _label(change: review.Change, path: str, low: int, high: int) -> str:
    """``[review] move-commits line 12, 30``: the lines of the change's violations in the hunk
    (old lines ``low`` + 1 to ``high``); none for a hunk of the change that holds none of them
    (its imports), the file the change comes from for a file it adds."""
    here = [v.line for v in change.violations if v.path == path]
    lines = [str(line) for line in here if low < line <= high]
    if lines:
        return f"[{change.tier}] {change.codemod} line {', '.join(lines)}"
    if here:
        return f"[{change.tier}] {change.codemod}"
    return f"[{change.tier}] {change.codemod} with {_sources(change, path)}"


def _sources(change: review.Change, path: str) -> str:
    """The files of ``change`` whose violations it fixes, for a file it only adds or edits as a
    consequence (``app/routes/a.py, app/routes/b.py``; ``a.py and 3 more``): a service module
    written for several route modules is headed with all of them, not the first."""
    fixed = sorted({v.path for v in change.violations if v.path != path}) or [change.files[0]]
    if len(fixed) <= _LISTED_SOURCES:
        return ", ".join(fixed)
    return f"{', '.join(fixed[: _LISTED_SOURCES - 1])} and {len(fixed) - _LISTED_SOURCES + 1} more"


#: how many files the header of a hunk lists before it counts the rest
_LISTED_SOURCES = 3


def summary(spec: CodemodSpec, result: RunResult, outcome: str, fmt: str, written: str) -> None:
    """The text summary (with counts per tier) on stderr; with ``json``, the document on stdout.
    After writing in place, what remains is reported at its lines in the files as written."""
    if written == "in-place":
        result = moved_violations(result)
    console.print_apply_summary(spec.codemod_id, result, outcome)
    fixed = review.tier_counts(result.fixed)
    left = review.tier_counts(result.violations)
    console.stderr.print(
        f"  tiers: fixed {fixed['safe']} safe, {fixed['review']} review; remaining "
        f"{left['safe']} safe, {left['review']} review, {left['manual']} manual",
        markup=False,
    )
    if fmt == "json":
        document = apply_document(review.build(result, spec.cls.LOCAL), result, written, outcome)
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
