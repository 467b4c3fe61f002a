"""The ``codemod`` command line. Parsing and printing only; the work is in runner and sinks."""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
import tempfile
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import click

from backfix import console, gitops, interrupts, ledger_cli, review_cli, since, verify
from backfix.codemod import Codemod, ConfigError
from backfix.config import Config, check_keys, find_config, tomllib
from backfix.diff import render_diffs
from backfix.discovery import PathError, Workspace, open_workspace
from backfix.registry import all_codemods, get_codemod
from backfix.results import FileChange, RunResult, Violation
from backfix.runner import CodemodSpec, RunOptions, run
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

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


class _State:
    verbose = False
    no_cache = False


def _fail(message: str) -> NoReturn:
    console.stderr.print(f"error: {message}", style="red", markup=False)
    sys.exit(EXIT_ERROR)


def _parse_option(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"expected KEY=VALUE, got {text!r}")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key.strip(), value


def _check_options(classes: Sequence[type[Codemod]], raw_options: Sequence[str]) -> None:
    """Every ``-o KEY=VALUE`` must name an option of at least one selected codemod."""
    declared = {key for cls in classes for key in cls.DEFAULTS}
    for text in raw_options:
        key = _parse_option(text)[0].replace("-", "_")
        if key not in declared:
            ids = ", ".join(cls.ID for cls in classes)
            raise ConfigError(f"unknown option {key!r} for {ids}")


def _spec(cls: type[Codemod], config: Config, overrides: dict[str, Any]) -> CodemodSpec:
    options = config.options_for(cls)
    options.update({k: v for k, v in overrides.items() if k in cls.DEFAULTS})
    spec = CodemodSpec(cls, cls.ID, tuple(sorted(options.items())))
    spec.create()
    return spec


def _prepare(paths: Sequence[Path]) -> tuple[Workspace, Config]:
    targets = [Path(p) for p in paths] or [Path.cwd()]
    for target in targets:
        if not target.exists():
            _fail(f"path does not exist: {target}")
    workspace = open_workspace(targets)
    try:
        config = find_config(workspace.root, targets[0])
        check_keys(config, all_codemods())
    except ConfigError as exc:
        _fail(str(exc))
    return workspace, config


def _run(
    workspace: Workspace,
    config: Config,
    specs: list[CodemodSpec],
    paths: Sequence[Path],
    exclude: Sequence[str],
    jobs: int | None,
    apply: bool,
    show_progress: bool,
    only_files: Callable[[list[Violation]], set[str]] | None = None,
) -> RunResult:
    with console.progress_bar(show_progress) as progress:
        try:
            return run(
                workspace,
                RunOptions(
                    specs=specs,
                    paths=[Path(p) for p in paths] or [Path.cwd()],
                    exclude=[*config.exclude, *exclude],
                    jobs=jobs or config.jobs,
                    apply=apply,
                    only_files=only_files,
                    progress=progress,  # type: ignore[arg-type]
                    config=dict(config.table),
                    cache=not _State.no_cache and bool(config.table.get("cache", True)),
                ),
            )
        except (ConfigError, FileNotFoundError, PathError) as exc:
            _fail(str(exc))


path_option = click.option(
    "--path",
    "paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="File or folder to work on (repeatable; default: the current folder).",
)
exclude_option = click.option(
    "--exclude", multiple=True, metavar="GLOB", help="Skip matching paths (repeatable)."
)
jobs_option = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes (default: CPUs).",
)
option_option = click.option(
    "--option",
    "-o",
    "raw_options",
    multiple=True,
    metavar="KEY=VALUE",
    help="Set a codemod option (overrides [tool.backfix]).",
)

mode_option = click.option(
    "--mode",
    type=click.Choice(["auto", "sync", "async"]),
    default=None,
    help="async-queries: target sync 2.0 style or AsyncSession (default: auto).",
)
templates_option = click.option(
    "--templates",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="Folder whose jinja2 templates override the bundled ones.",
)


def _check_flags(classes: Sequence[type[Codemod]], flags: dict[str, str | None]) -> None:
    """A flag (``--mode``) given to codemods none of which takes it is an error, not ignored."""
    for option, flag in flags.items():
        if flag is None or any(option in cls.DEFAULTS for cls in classes):
            continue
        takers = [cid for cid, cls in all_codemods().items() if option in cls.DEFAULTS]
        ids = ", ".join(cls.ID for cls in classes)
        raise ConfigError(
            f"{flag} does not apply to {ids} (it is an option of {', '.join(takers)})"
        )


def _overrides(
    raw_options: Sequence[str], mode: str | None, templates: Path | None
) -> dict[str, Any]:
    overrides = {key.replace("-", "_"): value for key, value in map(_parse_option, raw_options)}
    if mode is not None:
        overrides["mode"] = mode
    if templates is not None:
        overrides["templates"] = str(templates.resolve())
    return overrides


class _Commands(click.Group):
    """The command group; an interrupt in any command ends it with exit 130, never click's "Aborted!"."""

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command with SIGTERM treated like Ctrl-C."""
        with interrupts.terminate_interrupts():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:
                # Commands that write handle their own interrupts; the rest have written nothing.
                _interrupted_before_writing()


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Analyse every file again instead of reusing facts from .backfix/cache.",
)
@click.version_option(package_name="backfix")
def main(verbose: bool, no_cache: bool) -> None:
    """backfix: codemods for Flask/FastAPI + SQLAlchemy backends."""
    _State.verbose = verbose
    _State.no_cache = no_cache


@main.command("list")
def list_command() -> None:
    """List the codemods and what they do."""
    for codemod_id, cls in all_codemods().items():
        click.echo(f"{codemod_id:<16} {cls.SUMMARY}")


@main.command()
@click.argument("codemod_id", metavar="ID")
def describe(codemod_id: str) -> None:
    """Show a codemod's documentation and an example diff."""
    try:
        cls = get_codemod(codemod_id)
    except ConfigError as exc:
        _fail(str(exc))
    module_doc = sys.modules[cls.__module__].__doc__ or cls.__doc__ or ""
    click.echo(f"{cls.ID}: {cls.SUMMARY}\n")
    click.echo(textwrap.dedent(module_doc).strip() + "\n")
    if cls.EXAMPLE:
        # The example goes through the real engine in a scratch folder, so cross-file codemods
        # show every file they would write (a new service module, say).
        with tempfile.TemporaryDirectory(prefix="backfix-describe-") as scratch:
            root = Path(scratch).resolve()
            (root / "example.py").write_text(cls.EXAMPLE, encoding="utf-8")
            result = run(
                Workspace(root=root, repo=None),
                RunOptions(specs=[CodemodSpec(cls, cls.ID)], paths=[root], jobs=1, apply=True),
            )
        click.echo("Example:\n")
        click.echo(render_diffs(result.changes), nl=False)


@main.command()
@path_option
@exclude_option
@jobs_option
@option_option
@click.option("--codemod", "codemod_ids", multiple=True, metavar="ID", help="Only these codemods.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-ledger", is_flag=True, help="Do not append this scan to .backfix/ledger.jsonl.")
@mode_option
@since.option
def scan(
    paths: tuple[Path, ...],
    exclude: tuple[str, ...],
    jobs: int | None,
    raw_options: tuple[str, ...],
    codemod_ids: tuple[str, ...],
    fmt: str,
    no_ledger: bool,
    mode: str | None,
    since_ref: str | None,
) -> None:
    """Count violations per codemod and file. Exit 0 clean, 1 violations, 2 errors."""
    with interrupts.terminate_interrupts():
        try:
            _scan(paths, exclude, jobs, raw_options, codemod_ids, fmt, no_ledger, mode, since_ref)
        except KeyboardInterrupt:
            _interrupted_before_writing()


def _scan(
    paths: tuple[Path, ...],
    exclude: tuple[str, ...],
    jobs: int | None,
    raw_options: tuple[str, ...],
    codemod_ids: tuple[str, ...],
    fmt: str,
    no_ledger: bool,
    mode: str | None,
    since_ref: str | None,
) -> None:
    workspace, config = _prepare(paths)
    overrides = _overrides(raw_options, mode, None)
    try:
        classes = [get_codemod(c) for c in codemod_ids] or list(all_codemods().values())
        _check_options(classes, raw_options)
        _check_flags(classes, {"mode": "--mode" if mode else None})
        specs = [_spec(cls, config, overrides) for cls in classes]
        changed = since.changed_files(workspace, since_ref)
    except ConfigError as exc:
        _fail(str(exc))
    result = _run(workspace, config, specs, paths, exclude, jobs, False, fmt == "text")
    if not no_ledger:
        ledger_cli.record_scan(workspace, result, paths, [*config.exclude, *exclude])
    result = since.narrow_result(result, changed)
    if fmt == "json":
        document = {
            "violations": [v.to_json() for v in result.violations],
            "totals": result.totals(),
            "fixable": {
                cid: sum(1 for v in result.violations if v.codemod == cid and v.fixable)
                for cid in result.codemods
            },
            "errors": [e.to_json() for e in result.errors],
            "files_scanned": result.files_discovered,
            "assumptions": result.assumptions,
        }
        click.echo(json.dumps(document, indent=2))
    else:
        console.print_scan(result)
    console.print_errors(result.errors, _State.verbose)
    sys.exit(EXIT_ERROR if result.errors else EXIT_FOUND if result.violations else EXIT_OK)


@main.command()
@click.argument("codemod_id", metavar="ID")
@path_option
@exclude_option
@jobs_option
@option_option
@click.option("--dry-run", is_flag=True, help="Print a unified diff; write nothing.")
@click.option(
    "--branch",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[NAME]",
    help="Commit the change on a new branch (default name: backfix/<id>-<date>).",
)
@click.option("--allow-dirty", is_flag=True, help="Write in place over uncommitted changes.")
@click.option(
    "--allow-readonly", is_flag=True, help="Rewrite read-only files too (their mode is kept)."
)
@click.option("--no-ledger", is_flag=True, help="Do not append this run to .backfix/ledger.jsonl.")
@click.option("--no-logging", is_flag=True, help="bare-except: no log call in swallowing handlers.")
@click.option("--no-format", is_flag=True, help="Leave the changed lines unformatted (no ruff).")
@click.option(
    "--max-files",
    type=click.IntRange(min=1),
    default=None,
    help="Fix only the next N source files with fixable violations (ranking order).",
)
@click.option(
    "--pr-body",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Write a pull-request description of this batch to this file.",
)
@click.option(
    "--only",
    type=click.Choice(review_cli.ONLY),
    default=None,
    help="Apply only the changes of this safety tier; the others stay open.",
)
@click.option(
    "--interactive", "-i", is_flag=True, help="Ask about each change before anything is written."
)
@click.option("--format", "fmt", type=click.Choice(review_cli.FORMATS), default="text")
@mode_option
@templates_option
@since.option
@verify.options
def apply(
    codemod_id: str,
    paths: tuple[Path, ...],
    exclude: tuple[str, ...],
    jobs: int | None,
    raw_options: tuple[str, ...],
    dry_run: bool,
    branch: str | None,
    allow_dirty: bool,
    no_logging: bool,
    no_format: bool,
    mode: str | None,
    templates: Path | None,
    max_files: int | None,
    pr_body: Path | None,
    allow_readonly: bool,
    no_ledger: bool,
    only: str | None,
    interactive: bool,
    fmt: str,
    since_ref: str | None,
    review: verify.VerifyRequest,
) -> None:
    """Fix the violations of one codemod: diff, in place, or on a branch."""
    with interrupts.terminate_interrupts():
        try:
            _apply(
                codemod_id,
                paths,
                exclude,
                jobs,
                raw_options,
                dry_run,
                branch,
                allow_dirty,
                no_logging,
                no_format,
                mode,
                templates,
                max_files,
                pr_body,
                allow_readonly,
                no_ledger,
                since_ref,
                review,
                (only, interactive, fmt),
            )
        except KeyboardInterrupt:
            _interrupted_before_writing()


def _interrupted_before_writing() -> NoReturn:
    console.stderr.print("\ninterrupted: nothing was written", style="red", markup=False)
    sys.exit(interrupts.EXIT_INTERRUPTED)


def _apply(
    codemod_id: str,
    paths: tuple[Path, ...],
    exclude: tuple[str, ...],
    jobs: int | None,
    raw_options: tuple[str, ...],
    dry_run: bool,
    branch: str | None,
    allow_dirty: bool,
    no_logging: bool,
    no_format: bool,
    mode: str | None,
    templates: Path | None,
    max_files: int | None,
    pr_body: Path | None,
    allow_readonly: bool,
    no_ledger: bool,
    since_ref: str | None,
    review: verify.VerifyRequest,
    selection: tuple[str | None, bool, str] = (None, False, "text"),
) -> None:
    only, interactive, fmt = selection
    workspace, config = _prepare(paths)
    if no_format:
        config = dataclasses.replace(config, table={**config.table, "format": False})
    overrides = _overrides(raw_options, mode, templates)
    if no_logging:
        overrides["log_swallowed"] = False
    try:
        cls = get_codemod(codemod_id)
        _check_options([cls], raw_options)
        _check_flags(
            [cls],
            {
                "mode": "--mode" if mode else None,
                "templates": "--templates" if templates else None,
                "log_swallowed": "--no-logging" if no_logging else None,
            },
        )
        spec = _spec(cls, config, overrides)
        changed = since.changed_files(workspace, since_ref)
    except ConfigError as exc:
        _fail(str(exc))
    if branch is not None and dry_run:
        _fail("--branch and --dry-run exclude each other")
    if branch is not None and workspace.repo is None:
        _fail("--branch needs a git repository")
    session = ledger_cli.ApplySession.create(
        workspace, config, spec.codemod_id, paths, exclude, max_files, pr_body, templates
    )
    session.only_in, session.since = changed, since_ref
    review_cli.check_selection(only, interactive, review.bisect)
    result = _run(workspace, config, [spec], paths, exclude, jobs, True, True, session.selector)
    if interactive and not dry_run:
        # Refuse before the questions, not after the user has answered them all.
        _refuse_targets(workspace, result.changes, branch, allow_dirty, allow_readonly)
    review_cli.select(spec, result, only, interactive)
    console.print_errors(result.errors, _State.verbose)
    status = EXIT_ERROR if result.errors else EXIT_OK
    session.finish(result)

    if dry_run:
        review_cli.print_diffs(spec, result, fmt)
        review_cli.summary(spec, result, "dry run, nothing written", fmt, "none")
        session.write_pr_body(result)
        sys.exit(status if status else (EXIT_FOUND if result.changes else EXIT_OK))

    if not result.changes:
        # Nothing changed: no ledger record either, so a re-apply leaves `git status` clean.
        review_cli.summary(spec, result, "nothing to change", fmt, "none")
        session.write_pr_body(result)
        sys.exit(status)
    replan = functools.partial(_run, workspace, config, [spec], paths, exclude, jobs, True, False)
    gate = functools.partial(
        verify.verified, review, config.table, workspace, session.finish, replan
    )
    try:
        _refuse_targets(workspace, result.changes, branch, allow_dirty, allow_readonly)
        if branch is not None:
            assert workspace.repo is not None
            result = gate(result, in_place=False)
            name = branch or gitops.default_branch_name(workspace.repo, spec.codemod_id)
            message = commit_message(spec.codemod_id, result, session.commit_extra(result))
            changes = result.changes if no_ledger else session.branch_changes(result.changes)
            sha = to_branch(workspace.repo, name, changes, message)
            where = f"committed on branch {name} as {sha[:10]}; your work tree is unchanged"
        else:
            result = gate(result, in_place=True)
            _write(spec, result, session, no_ledger)
            where = "written in place"
    except SinkError as exc:
        _fail(str(exc))
    session.write_pr_body(result)
    review_cli.summary(spec, result, where, fmt, "in-place" if branch is None else "branch")
    sys.exit(status)


def _refuse_targets(
    workspace: Workspace,
    changes: Sequence[FileChange],
    branch: str | None,
    allow_dirty: bool,
    allow_readonly: bool,
) -> None:
    """Fail when a file to change has uncommitted work (or, in place, is read-only)."""
    try:
        if branch is not None or not allow_dirty:
            refuse_dirty(workspace.repo, workspace.root, changes)
        if branch is None and not allow_readonly:
            refuse_read_only(changes)
    except SinkError as exc:
        _fail(str(exc))


def _write(
    spec: CodemodSpec, result: RunResult, session: ledger_cli.ApplySession, no_ledger: bool
) -> None:
    """Write the changes unit by unit; on an interrupt or a write error, record what is on disk."""
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
    complete = len(written) == len(result.changes)
    if not complete:
        _keep_only(result, written)
        session.finish(result)
    if written and not no_ledger:
        session.append()
    if complete and failure is None and not signals.received:
        return
    names = "".join(f"\n  {change.path}" for change in written)
    what = f"wrote {len(written)} file(s):{names}" if written else "nothing was written"
    if failure is not None:
        _fail(f"{failure}\n{what}")
    console.stderr.print(f"\ninterrupted: {what}", style="red", markup=False)
    sys.exit(interrupts.EXIT_INTERRUPTED)


def _keep_only(result: RunResult, written: Sequence[FileChange]) -> None:
    """Make ``result`` describe only the ``written`` changes: other fixes count as remaining."""
    paths = {change.path for change in written}
    result.violations = sorted(
        [*result.violations, *(v for v in result.fixed if v.path not in paths)]
    )
    result.fixed = [v for v in result.fixed if v.path in paths]
    result.changes = list(written)


ledger_cli.register(main)
