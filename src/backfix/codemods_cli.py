"""``codemod describe`` and ``codemod new``: commands about the codemods themselves, not a project.

The command group in :mod:`backfix.cli` imports this module only when one of them runs (or ``--help``
lists them), so that a scan does not load what they use (the scaffold, diff rendering, scratch
folders).
"""

from __future__ import annotations

import sys
import tempfile
import textwrap
from pathlib import Path

import click

from backfix import scaffold
from backfix.codemod import ConfigError
from backfix.diff import render_diffs
from backfix.discovery import Workspace
from backfix.exits import Failure
from backfix.registry import all_codemods, get_codemod
from backfix.runner import CodemodSpec, RunOptions, run


@click.command()
@click.argument("codemod_id", metavar="ID")
@click.option(
    "--root",
    type=click.Path(path_type=Path, file_okay=False, exists=True),
    default=None,
    help="The checkout to write into (default: the one holding the built-in codemods).",
)
def new(codemod_id: str, root: Path | None) -> None:
    """Scaffold a codemod: its package, templates folder, snapshot cases and docs page."""
    try:
        written = scaffold.write_scaffold(
            root or scaffold.checkout_root(), codemod_id, set(all_codemods())
        )
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    for path in written:
        click.echo(f"wrote {path}")


@click.command()
@click.argument("codemod_id", metavar="ID")
def describe(codemod_id: str) -> None:
    """Show a codemod's documentation and an example diff."""
    try:
        cls = get_codemod(codemod_id)
    except ConfigError as exc:
        raise Failure(str(exc)) from None
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
                Workspace(root=root),
                RunOptions(specs=[CodemodSpec(cls, cls.ID)], paths=[root], jobs=1, apply=True),
            )
        click.echo("Example:\n")
        click.echo(render_diffs(result.changes), nl=False)
