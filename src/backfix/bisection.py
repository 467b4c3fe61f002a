"""``apply --verify CMD --bisect``: keep the units whose rewrite passes the tests, back out the rest.

A unit is one file with violations the run fixed, together with whatever its fix needs elsewhere (the
service module a moved commit lands in, a new module). The changes of any set of units come from the
runner, planned again for just those files, exactly as ``apply --max-files`` plans a batch; so two
routes that extend the same service module stay separable, and the service module always holds
exactly the methods of the routes kept.

The search is a halving one, incremental over what is already kept: a set of units is tried on top of
the kept ones; when the tests pass they are all kept, otherwise the set is split in two halves and each
is tried in turn, down to single units, which are the ones backed out. ``k`` breaking units among
``n`` take about ``k * log2(n)`` test runs; the kept set as a whole has always been tested last.
Backed-out units are reported with their diff (against the kept tree) and the failing output, and
their violations are recorded in the ledger for manual review with the reason "broke the tests".
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from backfix import console
from backfix.diff import render_diffs
from backfix.results import FileChange, RunResult, Violation
from backfix.testrun import TestRun

#: how many output lines are shown per backed-out unit.
REPORT_TAIL = 25

Selector = Callable[[list[Violation]], set[str]]
#: the runner planned again for the files a selector picks.
Replan = Callable[[Selector], RunResult]
#: write changes, run the tests, undo: the run and what is wrong with it (None when acceptable).
Trial = Callable[[Sequence[FileChange]], tuple[TestRun, str | None]]


@dataclass(frozen=True)
class BrokenUnit:
    """A unit whose rewrite broke the tests: its diff on top of the kept units, and the run."""

    unit: str
    diff: str
    problem: str
    run: TestRun


@dataclass
class Bisection:
    """The state of one bisection: what is kept, what was backed out, progress."""

    units: list[str]
    trial: Trial
    replan: Replan
    kept: list[str] = field(default_factory=list)
    kept_run: RunResult | None = None
    broken: list[BrokenUnit] = field(default_factory=list)
    tries: int = 0
    started: float = field(default_factory=time.monotonic)

    def changes_for(self, units: Sequence[str]) -> RunResult:
        """The runner's result for exactly these units."""
        wanted = set(units)
        return self.replan(lambda violations: {v.path for v in violations if v.path in wanted})

    def narrow(self, candidates: list[str], failure: tuple[TestRun, str, RunResult] | None) -> None:
        """Keep what of ``candidates`` passes on top of the kept units; back out the rest.

        ``failure`` is the known failing trial of exactly ``kept + candidates``, when there is one.
        """
        if failure is None:
            planned = self.changes_for([*self.kept, *candidates])
            self.tries += 1
            self.progress(f"trying {len(candidates)} unit(s) on top of {len(self.kept)} kept")
            run, problem = self.trial(planned.changes)
            if problem is None:
                self.kept += candidates
                self.kept_run = planned
                self.progress(f"kept {', '.join(candidates)}")
                return
            failure = (run, problem, planned)
        if not candidates:
            return
        if len(candidates) == 1:
            self._back_out(candidates[0], *failure)
            return
        first, second = candidates[: len(candidates) // 2], candidates[len(candidates) // 2 :]
        kept_before = len(self.kept)
        self.narrow(first, None)
        # All of the first half kept: the second half on top is the set known to fail.
        whole_first_kept = len(self.kept) == kept_before + len(first)
        self.narrow(second, failure if whole_first_kept else None)

    def _back_out(self, unit: str, run: TestRun, problem: str, planned: RunResult) -> None:
        base = {c.path: c.after for c in self.kept_run.changes} if self.kept_run else {}
        own = [
            FileChange(c.path, c.abs_path, base.get(c.path, c.before), c.after)
            for c in planned.changes
            if base.get(c.path, c.before) != c.after
        ]
        self.broken.append(BrokenUnit(unit, render_diffs(own), problem, run))
        self.progress(f"backed out {unit}: it broke the tests")

    def progress(self, message: str) -> None:
        """One progress line on stderr: what happened, test runs so far, kept, backed out, time."""
        seconds = int(time.monotonic() - self.started)
        console.stderr.print(
            f"bisect: {message} [{self.tries} test run(s), {len(self.kept)}/{len(self.units)} "
            f"kept, {len(self.broken)} backed out, {seconds // 60}m{seconds % 60:02d}s]",
            markup=False,
        )


def bisect(
    trial: Trial, result: RunResult, replan: Replan, failed: TestRun, problem: str, command: str
) -> RunResult:
    """What of ``result`` passes the tests; ``failed`` is the failing run of all of it.

    Prints the backed-out units (diff and output) on stdout; their violations come back as manual.
    """
    units = sorted({v.path for v in result.fixed})
    search = Bisection(units, trial, replan)
    search.progress(f"{len(units)} unit(s) to narrow down")
    search.narrow(units, (failed, problem, result))
    kept = search.kept_run or RunResult(codemods=list(result.codemods))
    report(search.broken)
    return _outcome(result, kept, {b.unit for b in search.broken}, command)


def _outcome(full: RunResult, kept: RunResult, broken: set[str], command: str) -> RunResult:
    """``full`` narrowed to the kept changes; the backed-out units' violations become manual."""
    fixed = set(kept.fixed)
    returned = [
        backed_out(v, command) if v.path in broken else v for v in full.fixed if v not in fixed
    ]
    return replace(
        full,
        changes=list(kept.changes),
        fixed=sorted(fixed),
        violations=sorted([*full.violations, *returned]),
    )


def backed_out(violation: Violation, command: str) -> Violation:
    """``violation`` as a manual-review item: its fix broke the tests."""
    reason = f"broke the tests: `{command}` failed with this change, so it was backed out"
    return replace(violation, fixable=False, reason=reason)


def report(broken: Sequence[BrokenUnit]) -> None:
    """Each backed-out unit with its diff and the tail of the failing output, on stdout."""
    for item in broken:
        console.stdout.print(f"=== backed out: {item.unit} broke the tests", markup=False)
        console.stdout.print(f"{item.problem}\n", markup=False)
        console.stdout.print(item.diff, markup=False, end="")
        console.stdout.print("--- test output (last lines) ---", markup=False)
        console.stdout.print(item.run.tail(REPORT_TAIL) + "\n", markup=False)
