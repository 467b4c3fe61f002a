"""The ledger records that ``scan`` and ``apply`` append: what a record says and how it is appended.

``scan`` and every non-dry-run ``apply`` append one record to ``<repo root>/.backfix/ledger.jsonl``
(the workspace root outside git). The rest of an ``apply`` run's ledger work (batches, the branch copy,
the PR body) is in :mod:`backfix.apply_records`, which a scan does not import.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Sequence
from pathlib import Path

from backfix import ledger
from backfix.console import print_warning
from backfix.discovery import Workspace
from backfix.ledger import CodemodRecord, LedgerError, Record
from backfix.results import RunResult


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


def append_record(workspace: Workspace, record: Record) -> None:
    try:
        ledger.append(ledger.ledger_path(workspace.root), record)
    except (LedgerError, OSError) as exc:
        print_warning(f"the ledger was not updated: {exc}")


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
        git_root=workspace.git_root,
        errors=(e.path for e in result.errors),
    )
    append_record(workspace, record)
