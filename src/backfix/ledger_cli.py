"""The ledger's side of the CLI: ``status``, ``check`` and ``report``, and the records ``scan``/``apply`` append.

``scan`` and every non-dry-run ``apply`` append one record to ``<repo root>/.backfix/ledger.jsonl``
(the workspace root outside git). A branch run puts the record into the branch's commit instead of the
user's tree: the committed ledger is the working tree's ledger (records not committed yet included, so
the branch carries the baseline) plus the new record. ``check`` and ``report`` rescan, ``status`` only
reads; none of them writes the ledger.

A batch (``apply --max-files N``) takes the next N source files with fixable violations in ranking
order; its record still covers all of ``--path``, the skipped files with their violations unchanged.
"""

from __future__ import annotations

import shlex
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from backfix import console, gitops, ledger, since, status
from backfix.codemod import ConfigError
from backfix.discovery import Workspace
from backfix.ledger import CodemodRecord, Entry, LedgerContents, LedgerError, Record
from backfix.reports import Snapshot, json_report, markdown, sarif
from backfix.reports import html as html_report
from backfix.reports.text import status_text
from backfix.results import FileChange, RunResult, Violation
from backfix.writer import atomic_write

if TYPE_CHECKING:
    from backfix.config import Config

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> NoReturn:
    console.stderr.print(f"error: {message}", style="red", markup=False)
    sys.exit(EXIT_ERROR)


def _warn(message: str) -> None:
    console.stderr.print(f"warning: {message}", style="yellow", markup=False)


def covered_paths(workspace: Workspace, paths: Sequence[Path]) -> list[str]:
    """The run's ``--path`` targets relative to the root ("." for the root itself), sorted."""
    targets = [Path(p) for p in paths] or [Path.cwd()]
    return sorted({workspace.rel(target) for target in targets})


def command_line(*words: str, **options: Iterable[str] | str | int | None) -> str:
    """``codemod apply bare-except --path app --max-files 1`` from what the command was given."""
    parts = ["codemod", *words]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is None or value == "":
            continue
        values = [value] if isinstance(value, (str, int)) else list(value)
        for item in values:
            parts += [flag, str(item)]
    return shlex.join(parts)


def read_ledger(workspace: Workspace) -> LedgerContents:
    """The workspace's ledger; skipped lines are reported on stderr; a newer schema exits 2."""
    path = ledger.ledger_path(workspace.root)
    try:
        contents = ledger.read(path)
    except LedgerError as exc:
        _fail(str(exc))
    for problem in contents.problems:
        _warn(f"{ledger.LEDGER_REL} {problem}")
    return contents


def _append(workspace: Workspace, record: Record) -> None:
    try:
        ledger.append(ledger.ledger_path(workspace.root), record)
    except (LedgerError, OSError) as exc:
        _warn(f"the ledger was not updated: {exc}")


def record_scan(
    workspace: Workspace, result: RunResult, paths: Sequence[Path], exclude: Sequence[str]
) -> None:
    """Append the record of a ``scan`` (every codemod it ran, with all remaining violations)."""
    codemods = {
        cid: CodemodRecord.from_violations(v for v in result.violations if v.codemod == cid)
        for cid in result.codemods
    }
    record = ledger.make_record(
        command=command_line("scan", codemod=result.codemods, path=[str(p) for p in paths]),
        paths=covered_paths(workspace, paths),
        exclude=exclude,
        codemods=codemods,
        repo=workspace.repo,
        errors=(e.path for e in result.errors),
    )
    _append(workspace, record)


@dataclass
class ApplySession:
    """One ``apply`` run's ledger work: batch selection, its record, the PR body, the branch copy."""

    workspace: Workspace
    codemod: str
    paths: Sequence[Path]
    exclude: Sequence[str]
    max_files: int | None = None
    ranking: str = status.DEFAULT_RANKING
    pr_body: Path | None = None
    templates: Sequence[str] = ()
    planned: list[Violation] = field(default_factory=list)
    chosen: set[str] | None = None
    record: Record | None = None
    #: with ``--since``, the changed files: only they are rewritten (see backfix.since).
    only_in: frozenset[str] | None = None
    since: str | None = None

    def only_files(self, violations: list[Violation]) -> set[str]:
        """``RunOptions.only_files``: the next ``max_files`` files in ranking order (of the changed
        files, with ``--since``)."""
        self.planned = list(violations)
        wanted = [v for v in violations if self.only_in is None or v.path in self.only_in]
        if self.max_files is None:
            self.chosen = {v.path for v in wanted}
        else:
            self.chosen = status.select_batch(wanted, self.max_files, self.ranking)
        return self.chosen

    @classmethod
    def create(
        cls,
        workspace: Workspace,
        config: Config,
        codemod: str,
        paths: Sequence[Path],
        exclude: Sequence[str],
        max_files: int | None,
        pr_body: Path | None,
        templates: Path | None,
    ) -> ApplySession:
        """A session for ``apply`` with the project's ranking and template overrides."""
        overrides = [str(templates)] if templates is not None else []
        if config.table.get("templates"):
            overrides.append(str(config.root / str(config.table["templates"])))
        return cls(
            workspace,
            codemod,
            list(paths),
            [*config.exclude, *exclude],
            max_files,
            ranking(config),
            pr_body,
            overrides,
        )

    @property
    def selector(self) -> Callable[[list[Violation]], set[str]] | None:
        """``only_files`` when batching (``--max-files``, ``--since``), else None: every file."""
        return self.only_files if self.max_files is not None or self.only_in is not None else None

    def finish(self, result: RunResult) -> Record:
        """The record of this run: remaining = what the run left + the files the batch skipped.

        With ``--max-files`` the skipped files' violations are put back into ``result.violations``
        too, so the summary and the commit message count what remains in all of ``--path``.
        """
        remaining = list(result.violations)
        if self.chosen is not None:
            # Called again after an interrupted write: the skipped files are already back.
            present = set(remaining)
            remaining += [v for v in self.planned if v.path not in self.chosen and v not in present]
            result.violations = sorted(remaining)
        self.record = ledger.make_record(
            command=command_line(
                "apply",
                self.codemod,
                path=[str(p) for p in self.paths],
                max_files=self.max_files,
                since=self.since,
            ),
            paths=covered_paths(self.workspace, self.paths),
            exclude=self.exclude,
            codemods={self.codemod: CodemodRecord.from_violations(remaining, result.fixed)},
            repo=self.workspace.repo,
            errors=(e.path for e in result.errors),
        )
        return self.record

    def _status_after(self) -> status.CodemodStatus | None:
        try:
            contents = ledger.read(ledger.ledger_path(self.workspace.root))
        except LedgerError:
            return None
        records = [*contents.records, *([self.record] if self.record else [])]
        return status.codemod_status(records, self.codemod, self.ranking)

    def _context(self, result: RunResult) -> dict[str, object]:
        return markdown.batch_context(self.codemod, result, self._status_after(), self.max_files)

    def commit_extra(self, result: RunResult) -> str:
        """The migration-progress paragraph for the branch commit message."""
        return markdown.commit_progress(self._context(result), self.templates)

    def write_pr_body(self, result: RunResult) -> None:
        """Render ``--pr-body FILE`` when it was asked for."""
        if self.pr_body is None:
            return
        text = markdown.pr_body(self._context(result), self.templates)
        try:
            atomic_write(self.pr_body, text.encode("utf-8"))
        except OSError as exc:
            _warn(f"cannot write {self.pr_body}: {exc.strerror or exc}")

    def append(self) -> None:
        """Append this run's record to the ledger in the working tree."""
        if self.record is not None:
            _append(self.workspace, self.record)

    def branch_changes(self, changes: Sequence[FileChange]) -> list[FileChange]:
        """``changes`` plus the ledger with this run's record, for the branch commit only."""
        if self.record is None:
            return list(changes)
        path = ledger.ledger_path(self.workspace.root)
        before = path.read_bytes() if path.exists() else None
        try:
            after = ledger.appended(before or b"", self.record)
        except LedgerError as exc:
            _warn(f"the ledger was not updated: {exc}")
            return list(changes)
        if self.workspace.repo is not None and gitops.dirty_paths(
            self.workspace.repo, [ledger.LEDGER_REL]
        ):
            _warn(
                f"your {ledger.LEDGER_REL} has changes that are not committed; the branch carries "
                "them plus this run's record, so git will refuse to check the branch out over "
                f"your copy: commit it first, or discard it (git checkout -- {ledger.LEDGER_REL}, "
                "or delete it when untracked) before switching"
            )
        return [*changes, FileChange(ledger.LEDGER_REL, str(path), before, after)]


# --- status ----------------------------------------------------------------------------------------


def _workspace_and_config() -> tuple[Workspace, Config]:
    from backfix.cli import _prepare

    return _prepare([Path.cwd()])


def ranking(config: Config, override: str | None = None) -> str:
    """The next-target ranking: ``--rank``, else ``[tool.backfix] rank``, else ``fewest``."""
    chosen = override or str(config.table.get("rank", status.DEFAULT_RANKING))
    if chosen not in status.RANKINGS:
        _fail(f"unknown ranking {chosen!r} (known: {', '.join(status.RANKINGS)})")
    return chosen


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
    workspace, config = _workspace_and_config()
    contents = read_ledger(workspace)
    _check_ids(codemod_ids, contents)
    statuses = status.compute(contents.records, codemod_ids, ranking(config, rank), limit)
    if fmt == "json":
        click.echo(json_report.dumps(json_report.status_document(statuses)))
    elif fmt == "md":
        click.echo(markdown.status_markdown(statuses), nl=False)
    else:
        click.echo(status_text(statuses), nl=False)
    if html_path is not None:
        page = html_report.burndown_html(statuses, ledger.now())
        try:
            atomic_write(html_path, page.encode("utf-8"))
        except OSError as exc:
            _fail(f"cannot write {html_path}: {exc.strerror or exc}")
        console.stderr.print(f"wrote {html_path}", markup=False)


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
    codemod: str, recorded: CodemodRecord, current: Sequence[Violation], root: Path
) -> CheckOutcome:
    """Match current violations against a record by fingerprint.

    A violation whose fingerprint is unknown but whose path-independent key belongs to a recorded
    entry in a file that no longer exists counts as moved with its file (a rename), not as new.
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
    new: list[Violation] = []
    moved: list[tuple[Violation, Entry]] = []
    for violation in unmatched:
        key = Entry.from_violation(violation).key
        match = next((entry for entry in orphans if entry.key == key), None)
        if match is None:
            new.append(violation)
        else:
            orphans.remove(match)
            moved.append((violation, match))
    return CheckOutcome(codemod, recorded.count, len(current), new, moved)


def _rescan(
    workspace: Workspace,
    config: Config,
    codemods: Sequence[str],
    scope: Mapping[str, tuple[Sequence[Path], Sequence[str]]],
    jobs: int | None,
    apply: bool,
) -> dict[str, RunResult]:
    """Run each codemod over its own paths (grouped when they share them), in memory."""
    from backfix.cli import _run, _spec
    from backfix.codemod import ConfigError
    from backfix.registry import get_codemod

    groups: dict[tuple[tuple[str, ...], tuple[str, ...], str], list[str]] = {}
    for cid in codemods:
        paths, exclude = scope[cid]
        # In apply mode each codemod runs on its own, so every change belongs to one codemod.
        alone = cid if apply else ""
        groups.setdefault((tuple(str(p) for p in paths), tuple(exclude), alone), []).append(cid)
    results: dict[str, RunResult] = {}
    for (path_names, exclude, _), ids in groups.items():
        try:
            specs = [_spec(get_codemod(cid), config, {}) for cid in ids]
        except ConfigError as exc:
            _fail(str(exc))
        targets = [Path(p) for p in path_names]
        if not targets:
            result = RunResult(codemods=list(ids))
        else:
            result = _run(workspace, config, specs, targets, exclude, jobs, apply, False)
        for cid in ids:
            results[cid] = result
    return results


def _record_scope(workspace: Workspace, record: Record) -> tuple[list[Path], list[str]]:
    """The record's paths that still exist (absolute) and its excludes."""
    paths = [workspace.root / p for p in record.paths]
    return [p for p in paths if p.exists()], list(record.exclude)


def _check_ids(codemod_ids: Iterable[str], contents: LedgerContents) -> None:
    """``--codemod nope`` is an error naming the valid ids (installed or in the ledger)."""
    from backfix.registry import all_codemods

    valid = sorted({*all_codemods(), *contents.codemods()})
    for cid in codemod_ids:
        if cid not in valid:
            _fail(f"unknown codemod {cid!r} (valid: {', '.join(valid)})")


def _known_codemods(wanted: Iterable[str]) -> list[str]:
    from backfix.registry import all_codemods

    registered = all_codemods()
    known = []
    for cid in wanted:
        if cid in registered:
            known.append(cid)
        else:
            _warn(f"{cid}: not an installed codemod; skipped")
    return known


@click.command("check")
@codemod_filter
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, help="Worker processes.")
@since.option
def check_command(codemod_ids: tuple[str, ...], jobs: int | None, since_ref: str | None) -> None:
    """CI ratchet: exit 1 on a violation the ledger does not hold, or a count above it."""
    workspace, config = _workspace_and_config()
    try:
        changed = since.changed_files(workspace, since_ref)
    except ConfigError as exc:
        _fail(str(exc))
    contents = read_ledger(workspace)
    if not contents.records:
        _fail(f"no ledger at {ledger.LEDGER_REL}; run `codemod scan` first to record a baseline")
    wanted = list(codemod_ids) or contents.codemods()
    latest: dict[str, Record] = {}
    for cid in wanted:
        record = contents.latest(cid)
        if record is None:
            _fail(f"{cid}: the ledger has no record for it; run `codemod scan --codemod {cid}`")
        latest[cid] = record
    codemods = _known_codemods(wanted)
    scope = {cid: _record_scope(workspace, latest[cid]) for cid in codemods}
    results = _rescan(workspace, config, codemods, scope, jobs, apply=False)
    failed = False
    errors = False
    for cid in codemods:
        result = results[cid]
        current = [v for v in result.violations if v.codemod == cid]
        if changed is not None:
            current = [v for v in current if v.path in changed]
        recorded = since.narrow_record(latest[cid].codemods[cid], changed)
        outcome = compare(cid, recorded, current, workspace.root)
        failed |= outcome.failed
        errors |= bool(result.errors)
        _print_check(outcome)
    seen: set[int] = set()
    for result in results.values():
        if id(result) not in seen:
            seen.add(id(result))
            console.print_errors(result.errors, False)
    sys.exit(EXIT_FOUND if failed else EXIT_ERROR if errors else EXIT_OK)


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
    from backfix.registry import all_codemods

    workspace, config = _workspace_and_config()
    contents = read_ledger(workspace)
    wanted = list(codemod_ids) or contents.codemods() or list(all_codemods())
    codemods = _known_codemods(wanted)
    scope: dict[str, tuple[Sequence[Path], Sequence[str]]] = {}
    for cid in codemods:
        record = contents.latest(cid)
        if paths or record is None:
            scope[cid] = (list(paths) or [Path.cwd()], list(config.exclude))
        else:
            scope[cid] = _record_scope(workspace, record)
    results = _rescan(workspace, config, codemods, scope, jobs, apply=True)
    registered = all_codemods()
    snapshots = [
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
    statuses = status.compute(contents.records, [c for c in codemods if contents.latest(c)])
    if fmt == "json":
        text = json_report.dumps(json_report.report_document(statuses, snapshots)) + "\n"
    elif fmt == "sarif":
        log = sarif.sarif_log(snapshots, statuses, workspace.root.as_uri() + "/")
        text = json_report.dumps(log) + "\n"
    else:
        text = markdown.report_markdown(statuses, snapshots)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        atomic_write(output, text.encode("utf-8"))
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")
    console.stderr.print(f"wrote {output}", markup=False)


COMMANDS = (status_command, check_command, report_command)


def register(group: click.Group) -> None:
    """Add ``status``, ``check`` and ``report`` to the ``codemod`` command group."""
    for command in COMMANDS:
        group.add_command(command)
