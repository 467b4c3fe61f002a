"""The ``codemod apply`` command: its options, parsed here; the work is in apply_run.

It lives apart from :mod:`backfix.cli` so that ``scan`` never imports what only ``apply`` needs
(review, verification, branches): the command group loads this module when ``apply`` is run or listed.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from backfix import apply_run, review_cli, since, verify
from backfix.cli import exclude_option, jobs_option, option_option, path_option
from backfix.flags import FlagsCommand
from backfix.runs import current_settings


@click.command(cls=FlagsCommand, flags_before="since_ref")
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
@since.option
@verify.options
def apply(**given: Any) -> None:
    """Fix the violations of one codemod: diff, in place, or on a branch."""
    sys.exit(apply_run.apply(apply_run.ApplyRequest(**given), current_settings()))
