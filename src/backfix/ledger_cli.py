"""The ledger's side of the CLI: ``status``, ``check`` and ``report``.

``check`` and ``report`` rescan, ``status`` only reads; none of them writes the ledger (the records
``scan`` and ``apply`` append are in backfix.records).
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

from backfix import console, ledger, since, status
from backfix.apply_records import ranking
from backfix.codemod import ConfigError
from backfix.discovery import Workspace
from backfix.exits import EXIT_ERROR, EXIT_FOUND, EXIT_OK, Failure
from backfix.ledger import CodemodRecord, Entry, LedgerContents, LedgerError, Record
from backfix.registry import all_codemods, get_codemod
from backfix.reports import Snapshot, json_report, markdown, sarif
from backfix.reports import html as html_report
from backfix.reports.text import status_text
from backfix.results import RunResult, Violation
from backfix.runs import Scope, Setup, current_settings, prepare
from backfix.writer import atomic_write


def read_ledger(setup: Setup) -> LedgerContents:
    """The workspace's ledger; skipped lines are reported on stderr; a newer schema is a Failure."""
    path = ledger.ledger_path(setup.workspace.root)
    try:
        contents = ledger.read(path)
    except LedgerError as exc:
        raise Failure(str(exc)) from None
    for problem in contents.problems:
        console.print_warning(f"{ledger.LEDGER_REL} {problem}")
    return contents


def _setup() -> Setup:
    """The current folder's workspace and configuration."""
    return prepare([Path.cwd()], current_settings())


# --- status ----------------------------------------------------------------------------------------


codemod_filter = click.option(
    "--codemod", "codemod_ids", multiple=True, metavar="ID", help="Only these codemods."
)


@click.command("status")
@codemod_filter
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text")
@click.option(
    "--html",
    "html_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Also write a self-contained burndown page to this file.",
)
@click.option(
    "--rank",
    type=click.Choice(status.RANKINGS),
    default=None,
    help="Order of next targets (default: fewest, or [tool.backfix] rank).",
)
@click.option("--limit", type=click.IntRange(min=0), default=5, help="How many next targets.")
def status_command(
    codemod_ids: tuple[str, ...], fmt: str, html_path: Path | None, rank: str | None, limit: int
) -> None:
    """Migration progress from the ledger: baseline, current, fixed, per file, next targets."""
    setup = _setup()
    contents = read_ledger(setup)
    _check_ids(codemod_ids, contents)
    statuses = status.compute(contents.records, codemod_ids, ranking(setup.config, rank), limit)
    if fmt == "json":
        click.echo(json_report.dumps(json_report.status_document(statuses)))
    elif fmt == "md":
        click.echo(markdown.status_markdown(statuses), nl=False)
    else:
        click.echo(status_text(statuses), nl=False)
    if html_path is not None:
        _write_file(html_path, html_report.burndown_html(statuses, ledger.now()))


def _write_file(path: Path, text: str) -> None:
    """Write a report file atomically and say so on stderr."""
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise Failure(f"cannot write {path}: {exc.strerror or exc}") from None
    console.stderr.print(f"wrote {path}", markup=False)


# --- check -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckOutcome:
    """What ``check`` found for one codemod."""

    codemod: str
    recorded: int
    current: int
    new: list[Violation]
    moved: list[tuple[Violation, Entry]]

    @property
    def failed(self) -> bool:
        """A new violation, or more than recorded."""
        return bool(self.new) or self.current > self.recorded


def compare(
    codemod: str,
    recorded: CodemodRecord,
    current: Sequence[Violation],
    root: Path,
    rewritten: Collection[str] = (),
) -> CheckOutcome:
    """Match current violations against a record by fingerprint.

    A violation whose fingerprint is unknown but whose path-independent key belongs to a recorded
    entry in a file that no longer exists counts as moved with its file (a rename), not as new. So
    does one with the message of a recorded entry gone from a file another codemod's apply has
    rewritten since (``rewritten``; move-commits carrying a query into a service module).
    """
    known = Counter(entry.fingerprint for entry in recorded.entries())
    unmatched: list[Violation] = []
    for violation in current:
        if known[violation.fingerprint] > 0:
            known[violation.fingerprint] -= 1
        else:
            unmatched.append(violation)
    orphans = [
        entry
        for entry in recorded.entries()
        if known[entry.fingerprint] > 0 and not (root / entry.path).exists()
    ]
    carried = [
        entry
        for entry in recorded.entries()
        if known[entry.fingerprint] > 0 and entry.path in rewritten and entry not in orphans
    ]
    new: list[Violation] = []
    moved: list[tuple[Violation, Entry]] = []
    for violation in unmatched:
        key = Entry.from_violation(violation).key
        match = next((entry for entry in orphans if entry.key == key), None)
        if match is not None:
            orphans.remove(match)
        else:
            match = _carried_from(violation, carried)
        if match is None:
            new.append(violation)
        else:
            moved.append((violation, match))
    return CheckOutcome(codemod, recorded.count, len(current), new, moved)


def _carried_from(violation: Violation, carried: list[Entry]) -> Entry | None:
    """The recorded entry of another file with ``violation``'s message (removed from ``carried``)."""
    for entry in carried:
        if entry.message == violation.message and entry.path != violation.path:
            carried.remove(entry)
            return entry
    return None


def _rescan(
    setup: Setup,
    codemods: Sequence[str],
    scope: Mapping[str, tuple[Sequence[Path], Sequence[str]]],
    jobs: int | None,
    apply: bool,
) -> dict[str, RunResult]:
    """Run each codemod over its own paths (grouped when they share them), in memory."""
    groups: dict[tuple[tuple[str, ...], tuple[str, ...], str], list[str]] = {}
    for cid in codemods:
        paths, exclude = scope[cid]
        # In apply mode each codemod runs on its own, so every change belongs to one codemod.
        alone = cid if apply else ""
        groups.setdefault((tuple(str(p) for p in paths), tuple(exclude), alone), []).append(cid)
    results: dict[str, RunResult] = {}
    for (path_names, exclude, _), ids in groups.items():
        try:
            specs = [setup.spec(get_codemod(cid), {}) for cid in ids]
        except ConfigError as exc:
            raise Failure(str(exc)) from None
        targets = [Path(p) for p in path_names]
        if not targets:
            result = RunResult(codemods=list(ids))
        else:
            result = setup.run(
                specs, Scope(targets, exclude, jobs), apply=apply, show_progress=False
            )
        for cid in ids:
            results[cid] = result
    return results


def _record_scope(workspace: Workspace, record: Record) -> tuple[list[Path], list[str]]:
    """The record's paths that still exist (absolute) and its excludes."""
    paths = [workspace.root / p for p in record.paths]
    return [p for p in paths if p.exists()], list(record.exclude)


def _check_ids(codemod_ids: Iterable[str], contents: LedgerContents) -> None:
    """``--codemod nope`` is an error naming the valid ids (installed or in the ledger)."""
    valid = sorted({*all_codemods(), *contents.codemods()})
    for cid in codemod_ids:
        if cid not in valid:
            raise Failure(f"unknown codemod {cid!r} (valid: {', '.join(valid)})")


def _known_codemods(wanted: Iterable[str]) -> list[str]:
    registered = all_codemods()
    known = []
    for cid in wanted:
        if cid in registered:
            known.append(cid)
        else:
            console.print_warning(f"{cid}: not an installed codemod; skipped")
    return known


@click.command("check")
@codemod_filter
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes.")
@since.option
def check_command(codemod_ids: tuple[str, ...], jobs: int | None, since_ref: str | None) -> None:
    """CI ratchet: exit 1 on a violation the ledger does not hold, or a count above it."""
    setup = _setup()
    try:
        changed = since.changed_files(setup.workspace, since_ref)
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    contents = read_ledger(setup)
    latest = _latest_records(contents, codemod_ids)
    codemods = _known_codemods(latest)
    scope = {cid: _record_scope(setup.workspace, latest[cid]) for cid in codemods}
    results = _rescan(setup, codemods, scope, jobs, apply=False)
    failed = False
    for cid in codemods:
        current = [v for v in results[cid].violations if v.codemod == cid]
        if changed is not None:
            current = [v for v in current if v.path in changed]
        recorded = since.narrow_record(latest[cid].codemods[cid], changed)
        rewritten = status.rewritten_since(contents.records, cid)
        outcome = compare(cid, recorded, current, setup.workspace.root, rewritten)
        failed |= outcome.failed
        _print_check(outcome)
    errors = any(results[cid].errors for cid in codemods)
    for result in {id(result): result for result in results.values()}.values():
        console.print_errors(result.errors, False)
    sys.exit(EXIT_FOUND if failed else EXIT_ERROR if errors else EXIT_OK)


def _latest_records(contents: LedgerContents, codemod_ids: Sequence[str]) -> dict[str, Record]:
    """The latest record of each codemod asked for (default: every codemod in the ledger)."""
    if not contents.records:
        raise Failure(
            f"no ledger at {ledger.LEDGER_REL}; run `codemod scan` first to record a baseline"
        )
    latest: dict[str, Record] = {}
    for cid in list(codemod_ids) or contents.codemods():
        record = contents.latest(cid)
        if record is None:
            raise Failure(
                f"{cid}: the ledger has no record for it; run `codemod scan --codemod {cid}`"
            )
        latest[cid] = record
    return latest


def _print_check(outcome: CheckOutcome) -> None:
    cid = outcome.codemod
    if not outcome.failed:
        click.echo(
            f"{cid}: ok, {outcome.current} violation(s), none new (ledger holds {outcome.recorded})"
        )
    else:
        click.echo(
            f"{cid}: FAILED, {outcome.current} violation(s) where the ledger holds "
            f"{outcome.recorded}; {len(outcome.new)} new"
        )
    for violation in outcome.new:
        click.echo(f"  new: {console.violation_line(violation)} [{violation.fingerprint}]")
    if outcome.current > outcome.recorded:
        click.echo(f"  count: {outcome.current} > {outcome.recorded} recorded")
    for violation, entry in outcome.moved:
        click.echo(f"  moved: {entry.path} -> {violation.path}:{violation.line} (not new)")


# --- report ----------------------------------------------------------------------------------------


@click.command("report")
@codemod_filter
@click.option("--format", "fmt", type=click.Choice(["md", "json", "sarif"]), default="md")
@click.option(
    "--path",
    "paths",
    multiple=True,
    type=click.Path(path_type=Path, exists=True),
    help="Where to look (default: the paths of each codemod's latest ledger record).",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write the report to this file instead of stdout.",
)
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes.")
def report_command(
    codemod_ids: tuple[str, ...],
    fmt: str,
    paths: tuple[Path, ...],
    output: Path | None,
    jobs: int | None,
) -> None:
    """Current violations (fresh, in memory) and the ledger's history: Markdown, JSON or SARIF."""
    setup = _setup()
    contents = read_ledger(setup)
    codemods = _known_codemods(list(codemod_ids) or contents.codemods() or list(all_codemods()))
    scope: dict[str, tuple[Sequence[Path], Sequence[str]]] = {}
    for cid in codemods:
        record = contents.latest(cid)
        if paths or record is None:
            scope[cid] = (list(paths) or [Path.cwd()], list(setup.config.exclude))
        else:
            scope[cid] = _record_scope(setup.workspace, record)
    snapshots = _snapshots(codemods, _rescan(setup, codemods, scope, jobs, apply=True))
    statuses = status.compute(contents.records, [c for c in codemods if contents.latest(c)])
    if fmt == "json":
        text = json_report.dumps(json_report.report_document(statuses, snapshots)) + "\n"
    elif fmt == "sarif":
        log = sarif.sarif_log(snapshots, statuses, setup.workspace.root.as_uri() + "/")
        text = json_report.dumps(log) + "\n"
    else:
        text = markdown.report_markdown(statuses, snapshots)
    if output is None:
        click.echo(text, nl=False)
    else:
        _write_file(output, text)


def _snapshots(codemods: Sequence[str], results: Mapping[str, RunResult]) -> list[Snapshot]:
    """Each codemod's current violations (fixable and not), changes and errors, for the report."""
    registered = all_codemods()
    return [
        Snapshot(
            codemod=cid,
            summary=registered[cid].SUMMARY,
            violations=sorted(
                v for v in [*results[cid].violations, *results[cid].fixed] if v.codemod == cid
            ),
            changes=list(results[cid].changes),
            errors=list(results[cid].errors),
        )
        for cid in codemods
    ]
