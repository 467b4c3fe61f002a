"""The ``codemod`` command line. Parsing and printing only; the work is in runs, apply_run and sinks.

Only this module (and the commands it loads: ``apply`` from apply_cli, the ledger commands from
ledger_cli, ``describe`` and ``new`` from codemods_cli) ends the process: the helpers raise
:class:`~backfix.exits.Failure` and :class:`~backfix.exits.Interrupted`, which the command group
turns into a message and an exit code. Those commands are imported only when they run (or ``--help``
lists them), so that ``scan`` does not pay for importing what only they use.
"""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from backfix import console, interrupts, since
from backfix.codemod import ConfigError
from backfix.exits import EXIT_ERROR, EXIT_FOUND, EXIT_OK, Failure, Interrupted
from backfix.flags import FlagsCommand, GivenFlag, flag_names, flag_values
from backfix.registry import all_codemods, get_codemod
from backfix.results import RunResult
from backfix.runs import (
    Scope,
    Settings,
    check_flags,
    check_options,
    current_settings,
    overrides,
    prepare,
)

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


#: commands defined in other modules: name → (module, attribute), imported when first needed.
_LAZY_COMMANDS = {
    "apply": ("backfix.apply_cli", "apply"),
    "check": ("backfix.ledger_cli", "check_command"),
    "describe": ("backfix.codemods_cli", "describe"),
    "new": ("backfix.codemods_cli", "new"),
    "report": ("backfix.ledger_cli", "report_command"),
    "status": ("backfix.ledger_cli", "status_command"),
}


class _Commands(click.Group):
    """The command group; it turns an interrupt or a Failure in any command into a message and an exit
    code (130, never click's "Aborted!"; 2), and loads the commands of other modules on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, sorted (click's order), the not yet loaded ones too."""
        return sorted({*self.commands, *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, importing its module the first time."""
        if cmd_name not in self.commands and cmd_name in _LAZY_COMMANDS:
            module, attribute = _LAZY_COMMANDS[cmd_name]
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse, taking the group's own flags also after the command name (``scan -v``)."""
        return super().parse_args(ctx, _codemod_as_id(_group_flags_first(args)))

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command with SIGTERM treated like Ctrl-C."""
        with interrupts.terminate_interrupts():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:
                # Commands that write turn an interrupt into Interrupted; the rest wrote nothing.
                _interrupted("nothing was written")
            except Interrupted as exc:
                _interrupted(str(exc))
            except Failure as exc:
                console.print_error(str(exc))
                sys.exit(EXIT_ERROR)


#: the group's options that take no value; no command has an option of these names
_GROUP_FLAGS = frozenset({"-v", "--verbose", "--no-cache"})


def _group_flags_first(args: list[str]) -> list[str]:
    """``args`` with the group's flags given after the command name moved before it, so that
    ``codemod scan -v`` means ``codemod -v scan`` (up to a ``--``, after which all is operands)."""
    command = next((i for i, arg in enumerate(args) if not arg.startswith("-")), None)
    if command is None:
        return args
    rest = args[command + 1 :]
    end = rest.index("--") if "--" in rest else len(rest)
    moved = [arg for arg in rest[:end] if arg in _GROUP_FLAGS]
    if not moved:
        return args
    kept = [arg for arg in rest[:end] if arg not in _GROUP_FLAGS] + rest[end:]
    return [*args[:command], *moved, args[command], *kept]


#: the commands that take one codemod as their ID argument
_ONE_CODEMOD = frozenset({"apply", "describe"})


def _codemod_as_id(args: list[str]) -> list[str]:
    """``apply --codemod ID ...`` as ``apply ID ...``: ``scan`` and ``status`` name codemods with
    ``--codemod``, and users carry it over (click suggested ``--mode`` for it)."""
    command = next((i for i, arg in enumerate(args) if not arg.startswith("-")), None)
    if command is None or args[command] not in _ONE_CODEMOD:
        return args
    rest = args[command + 1 :]
    end = rest.index("--") if "--" in rest else len(rest)
    for index, arg in enumerate(rest[:end]):
        if arg.startswith("--codemod="):
            value, taken = arg.split("=", 1)[1], 1
        elif arg == "--codemod" and index + 1 < end:
            value, taken = rest[index + 1], 2
        else:
            continue
        kept = rest[:index] + rest[index + taken :]
        return [*args[: command + 1], value, *kept]
    return args


def _interrupted(what: str) -> NoReturn:
    console.stderr.print(f"\ninterrupted: {what}", style="red", markup=False)
    sys.exit(interrupts.EXIT_INTERRUPTED)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks for errors.")
@click.option(
    "--no-cache",
    is_flag=True,
    help=(
        "Analyse every file again instead of reusing facts from the analysis cache "
        "($BACKFIX_CACHE_DIR, else ~/.cache/backfix)."
    ),
)
@click.version_option(package_name="backfix")
@click.pass_context
def main(ctx: click.Context, verbose: bool, no_cache: bool) -> None:
    """backfix: codemods for Flask/FastAPI + SQLAlchemy backends."""
    ctx.obj = Settings(verbose=verbose, cache=not no_cache)


@main.command("list")
def list_command() -> None:
    """List the codemods and what they do."""
    for codemod_id, cls in all_codemods().items():
        click.echo(f"{codemod_id:<16} {cls.SUMMARY}")


@main.command(cls=FlagsCommand, flags_before="since_ref", rewrites=False)
@path_option
@exclude_option
@jobs_option
@option_option
@click.option("--codemod", "codemod_ids", multiple=True, metavar="ID", help="Only these codemods.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--no-ledger", is_flag=True, help="Do not append this scan to .backfix/ledger.jsonl.")
@since.option
def scan(
    paths: tuple[Path, ...],
    exclude: tuple[str, ...],
    jobs: int | None,
    raw_options: tuple[str, ...],
    codemod_ids: tuple[str, ...],
    fmt: str,
    no_ledger: bool,
    codemod_flags: dict[str, GivenFlag],
    since_ref: str | None,
) -> None:
    """Count violations per codemod and file. Exit 0 clean, 1 violations, 2 errors."""
    setup = prepare(paths, current_settings())
    given = {**overrides(raw_options, None, None), **flag_values(codemod_flags)}
    try:
        classes = [get_codemod(c) for c in codemod_ids] or list(all_codemods().values())
        check_options(classes, raw_options)
        check_flags(classes, flag_names(codemod_flags))
        specs = [setup.spec(cls, given) for cls in classes]
        changed = since.changed_files(setup.workspace, since_ref)
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    result = setup.run(specs, Scope(paths, exclude, jobs), apply=False, show_progress=fmt == "text")
    if not no_ledger:
        # Imported here: the ledger's modules cost start-up that a --no-ledger scan need not pay.
        from backfix.records import record_scan

        record_scan(setup.workspace, result, paths, [*setup.config.exclude, *exclude])
    result = since.narrow_result(result, changed)
    if fmt == "json":
        click.echo(json.dumps(_scan_document(result), indent=2))
    else:
        console.print_scan(result)
    console.print_errors(result.errors, setup.settings.verbose)
    sys.exit(EXIT_ERROR if result.errors else EXIT_FOUND if result.violations else EXIT_OK)


def _scan_document(result: RunResult) -> dict[str, Any]:
    """``scan --format json``."""
    return {
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
