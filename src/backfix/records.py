"""The ledger records that ``scan`` and ``apply`` append: what a record says and how it is appended.

``scan`` and every non-dry-run ``apply`` append one record to ``<repo root>/.backfix/ledger.jsonl``
(the workspace root outside git). The rest of an ``apply`` run's ledger work (batches, the branch copy,
the PR body) is in :mod:`backfix.apply_records`, which a scan does not import.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from backfix import ledger, reuse_licence
from backfix.console import print_warning
from backfix.discovery import Workspace, discover
from backfix.ledger import CodemodRecord, LedgerError, Record
from backfix.results import RunResult
from backfix.writer import atomic_write


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
    """Append ``record`` to the ledger in the working tree (and give the ledger the licence file
    a REUSE project wants of it)."""
    try:
        ledger.append(ledger.ledger_path(workspace.root), record)
    except (LedgerError, OSError) as exc:
        print_warning(f"the ledger was not updated: {exc}")
        return
    licence = missing_ledger_licence(workspace)
    if licence is None:
        return
    path, text = licence
    try:
        atomic_write(path, text)
    except OSError as exc:
        print_warning(f"cannot write {workspace.rel(path)}: {exc.strerror or exc}")


def missing_ledger_licence(workspace: Workspace) -> tuple[Path, bytes] | None:
    """The ledger's ``.license`` file and its text, where the project follows REUSE and the file
    is missing (see :mod:`backfix.reuse_licence`); None otherwise."""
    path = reuse_licence.licence_path(ledger.ledger_path(workspace.root))
    if path.exists():
        return None
    text = reuse_licence.licence_text(workspace.root, _python_files(workspace))
    return None if text is None else (path, text)


def _python_files(workspace: Workspace) -> Iterator[Path]:
    """The project's Python files, found only once the first is asked for: outside a REUSE
    project :func:`reuse_licence.licence_text` asks for none."""
    for rel in discover(workspace, [workspace.root], ()).files:
        yield workspace.abs(rel)


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
