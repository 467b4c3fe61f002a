"""``apply`` in steps: plan the run, keep what was chosen, check the targets, verify, deliver, record.

The command line turns its options into an :class:`ApplyRequest` and calls :func:`apply`, which
returns the exit status. Nothing here exits: a problem is a :class:`~backfix.exits.Failure`, a stop
after part of the changes was written is :class:`~backfix.exits.Interrupted`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from backfix import console, gitops, interrupts, review_cli, since, verify
from backfix.apply_records import ApplySession
from backfix.codemod import ConfigError
from backfix.exits import EXIT_ERROR, EXIT_FOUND, EXIT_OK, Failure, Interrupted
from backfix.flags import GivenFlag, flag_names, flag_values
from backfix.registry import get_codemod
from backfix.results import FileChange, RunResult
from backfix.runner import CodemodSpec
from backfix.runs import Scope, Selector, Settings, Setup, check_flags, check_options, overrides
from backfix.runs import prepare as prepare_setup
from backfix.sinks import (
    SinkError,
    WriteError,
    commit_message,
    refuse_dirty,
    refuse_read_only,
    to_branch,
    write_in_place,
    write_order,
)


@dataclass(frozen=True)
class ApplyRequest:
    """What ``codemod apply`` was given; the field names are the command's parameter names."""

    codemod_id: str
    paths: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    jobs: int | None = None
    raw_options: tuple[str, ...] = ()
    dry_run: bool = False
    #: None: write in place; "": a branch with the default name.
    branch: str | None = None
    allow_dirty: bool = False
    allow_readonly: bool = False
    no_ledger: bool = False
    no_format: bool = False
    #: the codemod flags given (``--mode``, ``--no-logging``, ``--templates``), see backfix.flags
    codemod_flags: Mapping[str, GivenFlag] = field(default_factory=dict)
    max_files: int | None = None
    pr_body: Path | None = None
    only: str | None = None
    interactive: bool = False
    fmt: str = "text"
    since_ref: str | None = None
    review: verify.VerifyRequest = field(default_factory=verify.VerifyRequest)

    @property
    def scope(self) -> Scope:
        """Where the codemod runs."""
        return Scope(self.paths, self.exclude, self.jobs)


@dataclass
class ApplyRun:
    """A planned apply run: where, which codemod, its ledger work, and what the runner produced."""

    request: ApplyRequest
    setup: Setup
    spec: CodemodSpec
    session: ApplySession
    result: RunResult


def apply(request: ApplyRequest, settings: Settings) -> int:
    """Run ``codemod apply``; the exit status (0 done, 1 a dry run with changes, 2 file errors)."""
    run = plan(request, settings)
    status = EXIT_ERROR if run.result.errors else EXIT_OK
    if request.dry_run:
        _without_writing(run, "dry run, nothing written")
        return status or (EXIT_FOUND if run.result.changes else EXIT_OK)
    if not run.result.changes:
        # Nothing changed: no ledger record either, so a re-apply leaves `git status` clean.
        _without_writing(run, "nothing to change")
        return status
    deliver(run)
    return status


def plan(request: ApplyRequest, settings: Settings) -> ApplyRun:
    """Check the request, run the codemod in memory and keep the changes chosen (--only, -i)."""
    setup = prepare_setup(request.paths, settings)
    if request.no_format:
        config = replace(setup.config, table={**setup.config.table, "format": False})
        setup = replace(setup, config=config)
    spec, changed = _codemod(request, setup)
    if request.branch is not None and request.dry_run:
        raise Failure("--branch and --dry-run exclude each other")
    if request.branch is not None and setup.workspace.repo is None:
        raise Failure("--branch needs a git repository")
    session = ApplySession.create(
        setup.workspace,
        setup.config,
        spec.codemod_id,
        request.paths,
        request.exclude,
        request.max_files,
        request.pr_body,
        _templates(request),
    )
    session.only_in, session.since = changed, request.since_ref
    review_cli.check_selection(request.only, request.interactive, request.review.bisect)
    result = setup.run([spec], request.scope, session.selector, apply=True, show_progress=True)
    if request.interactive and not request.dry_run:
        # Refuse before the questions, not after the user has answered them all.
        refuse_targets(setup, result.changes, request)
    review_cli.select(spec, result, request.only, request.interactive)
    console.print_errors(result.errors, settings.verbose)
    session.finish(result)
    return ApplyRun(request, setup, spec, session, result)


def _templates(request: ApplyRequest) -> Path | None:
    given = request.codemod_flags.get("templates")
    return Path(given.value) if given is not None else None


def _codemod(request: ApplyRequest, setup: Setup) -> tuple[CodemodSpec, frozenset[str] | None]:
    """The codemod with its options, and the files changed since ``--since`` (None without)."""
    given = {**overrides(request.raw_options, None, None), **flag_values(request.codemod_flags)}
    try:
        cls = get_codemod(request.codemod_id)
        check_options([cls], request.raw_options)
        check_flags([cls], flag_names(request.codemod_flags))
        spec = setup.spec(cls, given)
        changed = since.changed_files(setup.workspace, request.since_ref)
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    return spec, changed


def refuse_targets(setup: Setup, changes: Sequence[FileChange], request: ApplyRequest) -> None:
    """Fail when a file to change has uncommitted work (or, in place, is read-only)."""
    workspace = setup.workspace
    try:
        if request.branch is not None or not request.allow_dirty:
            branch = request.branch is not None
            refuse_dirty(workspace.repo, workspace.root, changes, branch=branch)
        if request.branch is None and not request.allow_readonly:
            refuse_read_only(changes)
    except SinkError as exc:
        raise Failure(str(exc)) from None


def _without_writing(run: ApplyRun, outcome: str) -> None:
    """A dry run's diff, or nothing to change: the summary and the PR body, nothing written."""
    if run.request.dry_run:
        review_cli.print_diffs(run.spec, run.result, run.request.fmt)
    review_cli.summary(run.spec, run.result, outcome, run.request.fmt, "none")
    run.session.write_pr_body(run.result)


def deliver(run: ApplyRun) -> None:
    """Verify the changes when asked, then commit them on a branch or write them in place."""
    request = run.request
    try:
        refuse_targets(run.setup, run.result.changes, request)
        if request.branch is not None:
            result, where = _to_branch(run, request.branch)
        else:
            result = _verified(run, in_place=True)
            _write(run.spec, result, run.session, request.no_ledger)
            where = "written in place"
    except SinkError as exc:
        raise Failure(str(exc)) from None
    run.session.write_pr_body(result)
    written = "in-place" if request.branch is None else "branch"
    review_cli.summary(run.spec, result, where, request.fmt, written)


def _verified(run: ApplyRun, *, in_place: bool) -> RunResult:
    """The changes that pass ``--verify`` (all of them without a test command)."""

    def replan(selector: Selector) -> RunResult:
        return run.setup.run(
            [run.spec], run.request.scope, selector, apply=True, show_progress=False
        )

    setup = run.setup
    return verify.verified(
        run.request.review,
        setup.config.table,
        setup.workspace,
        run.session.finish,
        replan,
        run.result,
        in_place=in_place,
    )


def _to_branch(run: ApplyRun, branch: str) -> tuple[RunResult, str]:
    """Commit the verified changes (and the ledger record) on a new branch; the tree stays as is."""
    repo = run.setup.workspace.repo
    assert repo is not None
    codemod_id, session = run.spec.codemod_id, run.session
    result = _verified(run, in_place=False)
    name = branch or gitops.default_branch_name(repo, codemod_id)
    message = commit_message(codemod_id, result, session.commit_extra(result))
    changes = result.changes if run.request.no_ledger else session.branch_changes(result.changes)
    sha = to_branch(repo, name, changes, message)
    return result, f"committed on branch {name} as {sha[:10]}; your work tree is unchanged"


def _write(spec: CodemodSpec, result: RunResult, session: ApplySession, no_ledger: bool) -> None:
    """Write the changes unit by unit; on an interrupt or a write error, record what is on disk."""
    written, failure, stopped = _write_units(spec, result)
    complete = len(written) == len(result.changes)
    if not complete:
        _keep_only(result, written)
        session.finish(result)
    if written and not no_ledger:
        session.append()
    if complete and failure is None and not stopped:
        return
    names = "".join(f"\n  {change.path}" for change in written)
    what = f"wrote {len(written)} file(s):{names}" if written else "nothing was written"
    if failure is not None:
        raise Failure(f"{failure}\n{what}")
    raise Interrupted(what)


def _write_units(
    spec: CodemodSpec, result: RunResult
) -> tuple[list[FileChange], WriteError | None, bool]:
    """What was written, the error that stopped the writing, and whether a signal stopped it."""
    with_violations = {v.path for v in [*result.fixed, *result.violations]}
    consequences = {c.path for c in result.changes} - with_violations
    ordered = write_order(result.changes, consequences)
    # A cross-file codemod's changes depend on each other: they are one unit.
    units = [[change] for change in ordered] if spec.cls.LOCAL else [ordered]
    failure: WriteError | None = None
    with interrupts.deferred() as signals:
        try:
            written = write_in_place(units, stop=lambda: signals.received)
        except WriteError as exc:
            written, failure = exc.written, exc
    return written, failure, signals.received


def _keep_only(result: RunResult, written: Sequence[FileChange]) -> None:
    """Make ``result`` describe only the ``written`` changes: other fixes count as remaining."""
    paths = {change.path for change in written}
    result.violations = sorted(
        [*result.violations, *(v for v in result.fixed if v.path not in paths)]
    )
    result.fixed = [v for v in result.fixed if v.path in paths]
    result.changes = list(written)
