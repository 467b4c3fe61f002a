"""Where the changes of an apply run go: a diff on stdout, the files in place, or a git branch."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import git

from backfix import gitops
from backfix.results import FileChange, RunResult
from backfix.writer import atomic_write


class SinkError(Exception):
    """The changes cannot be delivered; nothing was written."""


def refuse_dirty(repo: git.Repo | None, root: Path, changes: Sequence[FileChange]) -> None:
    """Refuse when a file the run would touch has uncommitted (or untracked) content."""
    if repo is None:
        return
    rel_paths = [_rel(root, change) for change in changes]
    dirty = gitops.dirty_paths(repo, rel_paths)
    if dirty:
        listing = "\n".join(f"  {path}" for path in dirty)
        raise SinkError(
            "refusing to touch files with uncommitted changes (commit or stash them first):\n"
            + listing
        )


def write_in_place(changes: Sequence[FileChange]) -> None:
    """Write each change atomically, after checking no file changed on disk since it was read."""
    for change in changes:
        path = Path(change.abs_path)
        current = path.read_bytes() if path.exists() else None
        if current != change.before:
            raise SinkError(f"{change.path} changed on disk during the run; nothing more written")
    for change in changes:
        atomic_write(Path(change.abs_path), change.after)


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
