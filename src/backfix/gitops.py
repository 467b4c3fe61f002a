"""Git through GitPython: the dirty-file guard, ``--since`` and branch commits (what a run only reads
is asked of git itself, :mod:`backfix.gitcli`).

A branch run never checks anything out: the new blobs, a tree built in a temporary index and the commit
are written with plumbing commands, and only the new branch ref moves. The user's current branch,
index, working tree and untracked files are therefore never touched, and a failure part-way leaves
at most unreachable objects behind (the branch ref is deleted again).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import git

from backfix import interrupts
from backfix.gitcli import GitError as GitError
from backfix.results import FileChange


def open_repo(root: Path) -> git.Repo:
    """The repository whose work tree's top is ``root`` (:func:`backfix.gitcli.work_tree`)."""
    return git.Repo(root)


def repo_root(repo: git.Repo) -> Path:
    """The top of the work tree."""
    if repo.working_tree_dir is None:
        raise GitError("bare repositories are not supported")
    return Path(repo.working_tree_dir).resolve()


def dirty_paths(repo: git.Repo, rel_paths: Iterable[str]) -> list[str]:
    """Which of ``rel_paths`` have staged, unstaged or untracked content not in HEAD."""
    wanted = sorted(set(rel_paths))
    if not wanted:
        return []
    out = repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--", *wanted)
    dirty: set[str] = set()
    entries = out.split("\0")
    index = 0
    while index < len(entries):
        entry = entries[index]
        index += 1
        if len(entry) < 4:
            continue
        status, name = entry[:2], entry[3:]
        if status[0] in "RC":
            index += 1  # the rename's source path follows
        dirty.add(name)
    return sorted(name for name in dirty if name in wanted)


def check_identity(repo: git.Repo) -> None:
    """Fail with instructions when git has no user identity to commit with."""
    try:
        repo.git.var("GIT_AUTHOR_IDENT")
        repo.git.var("GIT_COMMITTER_IDENT")
    except git.GitCommandError:
        raise GitError(
            "git has no identity to commit with; set one with\n"
            '  git config --global user.name "Your Name"\n'
            '  git config --global user.email "you@example.com"'
        ) from None


def default_branch_name(repo: git.Repo, codemod_id: str, today: dt.date | None = None) -> str:
    """``backfix/<codemod>-<date>``, with a numeric suffix when that branch exists."""
    stem = f"backfix/{codemod_id}-{(today or dt.date.today()).isoformat()}"
    existing = {head.name for head in repo.heads}
    name, number = stem, 2
    while name in existing:
        name, number = f"{stem}-{number}", number + 1
    return name


def commit_to_branch(
    repo: git.Repo, branch: str, changes: Sequence[FileChange], message: str
) -> str:
    """Create ``branch`` at HEAD plus ``changes`` as one commit; return the commit sha.

    Nothing outside ``.git/objects`` and the new ref is written.
    """
    try:
        head = repo.head.commit
    except ValueError:
        raise GitError(
            "the repository has no commits yet; commit once before a branch run"
        ) from None
    try:
        repo.git.check_ref_format("--branch", branch)
    except git.GitCommandError:
        raise GitError(f"{branch!r} is not a valid branch name") from None
    if branch in {h.name for h in repo.heads}:
        raise GitError(f"branch {branch!r} already exists; pass another name to --branch")
    check_identity(repo)
    root = repo_root(repo)
    fd, index_file = tempfile.mkstemp(prefix="backfix-index-", dir=repo.git_dir)
    os.close(fd)
    created = False
    try:
        env = {"GIT_INDEX_FILE": index_file}
        with repo.git.custom_environment(**env):
            repo.git.read_tree(head.hexsha)
            for change in changes:
                rel = Path(change.abs_path).resolve().relative_to(root).as_posix()
                sha = _write_blob(repo, change.after)
                mode = _mode_in_head(head, rel)
                repo.git.update_index("--add", "--cacheinfo", f"{mode},{sha},{rel}")
            tree = repo.git.write_tree()
        commit = repo.git.commit_tree(tree, "-p", head.hexsha, istream=_as_stream(message))
        repo.git.update_ref(f"refs/heads/{branch}", commit, "0" * 40)
        created = True
        return str(commit)
    except git.GitCommandError as exc:
        if created:
            repo.git.update_ref("-d", f"refs/heads/{branch}")
        raise GitError(f"git failed: {exc.stderr.strip() or exc}") from None
    finally:
        Path(index_file).unlink(missing_ok=True)


def _mode_in_head(head: git.Commit, rel: str) -> str:
    try:
        return f"{head.tree[rel].mode:o}"
    except KeyError:
        return "100644"


def _write_blob(repo: git.Repo, data: bytes) -> str:
    return str(repo.git.hash_object("-w", "--stdin", istream=_as_stream(data)))


def _as_stream(data: str | bytes) -> tempfile.SpooledTemporaryFile[bytes]:
    stream: tempfile.SpooledTemporaryFile[bytes] = tempfile.SpooledTemporaryFile()  # noqa: SIM115
    stream.write(data.encode("utf-8") if isinstance(data, str) else data)
    stream.seek(0)
    return stream


@contextmanager
def temporary_worktree(repo: git.Repo) -> Iterator[Path]:
    """A detached checkout of HEAD in a temporary folder, removed again on the way out.

    Only ``.git/worktrees/`` gains an entry while it exists; the user's branch, index and working
    tree are not touched.
    """
    try:
        head = repo.head.commit.hexsha
    except ValueError:
        raise GitError("the repository has no commits yet; commit once first") from None
    scratch = Path(tempfile.mkdtemp(prefix="backfix-verify-"))
    tree = scratch / "tree"
    try:
        repo.git.worktree("add", "--detach", "--quiet", str(tree), head)
    except git.GitCommandError as exc:
        shutil.rmtree(scratch, ignore_errors=True)
        raise GitError(f"cannot create a temporary worktree: {exc.stderr.strip() or exc}") from None
    try:
        yield tree
    finally:
        with interrupts.deferred() as signals:
            with contextlib.suppress(git.GitCommandError):
                repo.git.worktree("remove", "--force", str(tree))
            shutil.rmtree(scratch, ignore_errors=True)
            with contextlib.suppress(git.GitCommandError):
                repo.git.worktree("prune")
        if signals.received:
            raise KeyboardInterrupt


def resolve_commit(repo: git.Repo, ref: str) -> str:
    """The commit ``ref`` names (a branch, tag, sha or ``HEAD~2``); GitError naming it otherwise."""
    try:
        return str(
            repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
        )
    except git.GitCommandError:
        raise GitError(
            f"{ref!r} does not name a commit in the repository at {repo_root(repo)} (a branch, tag "
            f"or commit; in a shallow CI clone, fetch it first: git fetch origin {ref})"
        ) from None


def changed_since(repo: git.Repo, ref: str) -> set[str]:
    """Files changed since ``ref``: what HEAD changed since it forked from ``ref`` (``ref...HEAD``),
    plus staged, unstaged and untracked (not ignored) files. Deleted and renamed-away paths are
    included; paths are repository-relative POSIX.
    """
    base = resolve_commit(repo, ref)
    try:
        fork = repo.git.merge_base(base, "HEAD")
    except git.GitCommandError:
        raise GitError(
            f"{ref!r} and HEAD share no history (or the repository has no commits yet), so "
            "nothing can be compared with it"
        ) from None
    names: set[str] = set()
    committed = repo.git.diff("--name-only", "--no-renames", "-z", fork, "HEAD", "--")
    local = repo.git.diff("--name-only", "--no-renames", "-z", "HEAD", "--")
    untracked = repo.git.ls_files("-z", "--others", "--exclude-standard")
    for out in (committed, local, untracked):
        names.update(name for name in out.split("\0") if name)
    return names
