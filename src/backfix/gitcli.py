"""What a run reads from git, asked of the git command line: the work tree's top, the files git
lists, and where HEAD is.

Every run inside a repository asks these; only ``apply`` on a branch, ``--since`` and the
dirty-file guard need more (:mod:`backfix.gitops`, through GitPython). Importing GitPython costs
more CPU than a scan's few git commands, so a run that only reads asks git itself. The commands
are the ones GitPython would run (``ls-files``, ``check-ignore``) or read HEAD as it does.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

#: git's exit status for "not a git repository" and other fatal errors
_FATAL = 128


class GitError(Exception):
    """A git operation that cannot be done; the message says what to do."""


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, check=False)
    except OSError as exc:
        raise GitError(
            f"{folder} is in a git repository, but git cannot be run ({exc.strerror or exc}): "
            "install git, or put it on PATH"
        ) from exc


def _text(out: bytes) -> str:
    # Path names are bytes to git; undecodable ones survive as surrogates, as GitPython keeps them.
    return out.decode("utf-8", errors="surrogateescape")


def work_tree(folder: Path) -> Path | None:
    """The top of the work tree holding ``folder``; None outside any repository."""
    done = _git(folder, "rev-parse", "--is-bare-repository", "--show-toplevel")
    lines = _text(done.stdout).splitlines()
    if done.returncode == 0 and len(lines) == 2:
        return Path(lines[1]).resolve()
    if lines[:1] == ["true"]:
        raise GitError("bare repositories are not supported")
    message = _text(done.stderr).strip()
    if done.returncode == _FATAL and "not a git repository" in message:
        return None
    raise GitError(f"git cannot read the repository holding {folder}: {message}")


def list_files(root: Path, rel_paths: Sequence[str]) -> list[str]:
    """Tracked and untracked, not ignored, files under ``rel_paths`` (repo-relative, POSIX)."""
    done = _git(
        root, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", *rel_paths
    )
    if done.returncode != 0:
        raise GitError(f"git cannot list the files of {root}: {_text(done.stderr).strip()}")
    return sorted({name for name in _text(done.stdout).split("\0") if name})


def is_ignored(root: Path, rel_path: str) -> bool:
    """True when git ignores ``rel_path`` (so ``ls-files`` would list nothing under it)."""
    return _git(root, "check-ignore", "-q", "--", rel_path).returncode == 0


def head_position(root: Path) -> tuple[str | None, str | None]:
    """(commit sha, branch name) of HEAD; None for what does not exist (detached, no commit yet)."""
    commit = _git(root, "rev-parse", "-q", "--verify", "HEAD^{commit}")
    ref = _git(root, "symbolic-ref", "-q", "HEAD")
    sha = _text(commit.stdout).strip() if commit.returncode == 0 else ""
    name = _text(ref.stdout).strip() if ref.returncode == 0 else ""
    branch = name.removeprefix("refs/heads/") if name.startswith("refs/heads/") else ""
    return sha or None, branch or None
