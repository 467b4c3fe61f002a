"""``--since REF`` on ``scan``, ``apply`` and ``check``: only the files changed since a git ref.

Changed means: what the current branch changed since it forked from REF (``git diff REF...HEAD``, the
files a pull request against REF shows), plus staged, unstaged and untracked (not ignored) files, so a
pre-commit hook and a CI job on a pull request see the same set. Deleted and renamed files count under
their old path too, so ``check`` recognises a violation that moved with its file.

Only what is reported, rewritten and compared is narrowed, not what is read: cross-file codemods still
analyse the whole ``--path`` (a route's commit moves into a service module that did not change; an
``await`` reaches callers in other files), so a file's violations and fixes are the same as in a full
run. ``scan`` records the full picture in the ledger and prints only the changed files; ``apply``
rewrites only the changed files with violations (a batch, as ``--max-files`` makes one, and the two
combine); ``check`` compares only the changed files with the ledger.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import click

from backfix.codemod import ConfigError
from backfix.discovery import Workspace
from backfix.results import RunResult

if TYPE_CHECKING:
    from backfix.ledger import CodemodRecord

option = click.option(
    "--since",
    "since_ref",
    metavar="REF",
    default=None,
    help="Only files changed since this git ref (REF...HEAD plus uncommitted and untracked files).",
)


def changed_files(workspace: Workspace, ref: str | None) -> frozenset[str] | None:
    """The root-relative paths changed since ``ref``; None without ``--since``.

    Raises ConfigError naming the ref when it does not exist or there is no repository.
    """
    if ref is None:
        return None
    if workspace.repo is None:
        raise ConfigError(f"--since {ref} needs a git repository; {workspace.root} is not in one")
    from backfix import gitops  # GitPython costs start-up; only --since needs it here

    try:
        return frozenset(gitops.changed_since(workspace.repo, ref))
    except gitops.GitError as exc:
        raise ConfigError(f"--since: {exc}") from None


def narrow_result(result: RunResult, changed: frozenset[str] | None) -> RunResult:
    """``result`` with only the violations, changes and errors of changed files."""
    if changed is None:
        return result
    return replace(
        result,
        violations=[v for v in result.violations if v.path in changed],
        fixed=[v for v in result.fixed if v.path in changed],
        changes=[c for c in result.changes if c.path in changed],
        errors=[e for e in result.errors if e.path in changed],
    )


def narrow_record(record: CodemodRecord, changed: frozenset[str] | None) -> CodemodRecord:
    """``record`` with only the entries of changed files."""
    if changed is None:
        return record
    return replace(
        record, files={path: entries for path, entries in record.files.items() if path in changed}
    )
