"""Where the changes of an apply run go: a diff on stdout, the files in place, or a git branch."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Collection, Sequence
from pathlib import Path

import git

from backfix import gitops
from backfix.results import FileChange, RunResult
from backfix.writer import atomic_write, is_read_only


class SinkError(Exception):
    """The changes cannot be delivered; nothing was written."""


def refuse_dirty(
    repo: git.Repo | None, root: Path, changes: Sequence[FileChange], *, branch: bool = False
) -> None:
    """Refuse when a file the run would touch has uncommitted (or untracked) content.

    ``--allow-dirty`` lifts the guard for in-place writes only (a branch would carry the
    uncommitted work in its commit), so with ``branch`` the message does not offer it.
    """
    if repo is None:
        return
    rel_paths = [_rel(root, change) for change in changes]
    dirty = gitops.dirty_paths(repo, rel_paths)
    if dirty:
        listing = "\n".join(f"  {path}" for path in dirty)
        raise SinkError(_dirty_message(branch) + listing)


def _dirty_message(branch: bool) -> str:
    """The refusal's first line: the ways out that work in this mode."""
    if branch:
        return (
            "refusing to commit files with uncommitted changes on a branch (commit or stash them "
            "first, or run without --branch and pass --allow-dirty to write over them in place; "
            "--allow-dirty does not apply to --branch):\n"
        )
    return (
        "refusing to touch files with uncommitted changes (commit or stash them first, "
        "or pass --allow-dirty to write over them):\n"
    )


def refuse_read_only(changes: Sequence[FileChange]) -> None:
    """Refuse when a file the run would rewrite is read-only (``--allow-readonly`` writes it)."""
    locked = [change.path for change in changes if is_read_only(Path(change.abs_path))]
    if locked:
        listing = "\n".join(f"  {path}" for path in locked)
        raise SinkError(
            "refusing to rewrite read-only files (make them writable, or pass --allow-readonly "
            "to rewrite them and keep their mode):\n" + listing
        )


class WriteError(SinkError):
    """Writing stopped part-way; ``written`` lists the changes that are on disk."""

    def __init__(self, message: str, written: list[FileChange]) -> None:
        super().__init__(message)
        self.written = written


def write_order(changes: Sequence[FileChange], first: Collection[str] = ()) -> list[FileChange]:
    """New files first, then the files in ``first`` (modules others import), then the rest.

    A process killed outright (SIGKILL, power loss) then leaves at worst a module nobody imports
    yet, never an import of a module that is missing.
    """
    return sorted(changes, key=lambda c: (c.before is not None, c.path not in first, c.path))


def write_in_place(
    units: Sequence[Sequence[FileChange]], stop: Callable[[], bool] = lambda: False
) -> list[FileChange]:
    """Write the units in order, each all or nothing; return what was written.

    Nothing is written when any file changed on disk since it was read. ``stop`` is asked before
    each unit (an interrupt arrived); a unit that cannot be written completely is undone, and
    WriteError says which units are on disk.
    """
    for unit in units:
        for change in unit:
            path = Path(change.abs_path)
            current = path.read_bytes() if path.exists() else None
            if current != change.before:
                raise SinkError(
                    f"{change.path} changed on disk during the run; nothing was written"
                )
    written: list[FileChange] = []
    for unit in units:
        if stop():
            break
        done: list[FileChange] = []
        for change in unit:
            try:
                atomic_write(Path(change.abs_path), change.after)
            except OSError as exc:
                _undo(done)
                raise WriteError(
                    f"cannot write {change.path}: {exc.strerror or exc}; the files changed with "
                    "it were restored",
                    written,
                ) from None
            done.append(change)
        written.extend(done)
    return written


def _undo(changes: Sequence[FileChange]) -> None:
    for change in reversed(changes):
        path = Path(change.abs_path)
        with contextlib.suppress(OSError):
            if change.before is None:
                path.unlink()
            else:
                atomic_write(path, change.before)


def commit_message(codemod_id: str, result: RunResult, extra: str = "") -> str:
    """What the batch fixed and what remains, for the branch commit."""
    files = len(result.changes)
    fixed = len(result.fixed)
    remaining = len(result.violations)
    manual = len(result.manual)
    lines = [
        f"backfix: {codemod_id} fixed {fixed} violation(s) in {files} file(s)",
        "",
        f"Codemod: {codemod_id}",
        f"Fixed: {fixed} violation(s)",
        f"Remaining in the scanned paths: {remaining} ({manual} for manual review)",
        "",
        "Files changed:",
        *(f"  {change.path}" for change in result.changes),
    ]
    if result.manual:
        lines += ["", "Left for manual review:"]
        lines += [f"  {v.path}:{v.line}: {v.reason or v.message}" for v in result.manual]
    if extra:
        lines += ["", extra]
    return "\n".join(lines) + "\n"


def to_branch(repo: git.Repo, branch: str, changes: Sequence[FileChange], message: str) -> str:
    """Commit ``changes`` on a new branch without touching the current branch or work tree."""
    try:
        return gitops.commit_to_branch(repo, branch, changes, message)
    except gitops.GitError as exc:
        raise SinkError(str(exc)) from None


def _rel(root: Path, change: FileChange) -> str:
    return Path(change.abs_path).resolve().relative_to(root).as_posix()
