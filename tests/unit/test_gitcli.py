"""gitcli reads what GitPython read before it: the work tree's top, listed files, HEAD's position."""

from __future__ import annotations

from pathlib import Path

import git as gitpython
import pytest
from testkit import git, init_repo, invoke_in

from backfix import gitcli


def _gitpython_position(root: Path) -> tuple[str | None, str | None]:
    """How the ledger read HEAD through GitPython."""
    repo = gitpython.Repo(root)
    try:
        commit: str | None = repo.head.commit.hexsha
    except ValueError:
        commit = None
    try:
        branch: str | None = repo.active_branch.name
    except TypeError:
        branch = None
    return commit, branch


def test_work_tree_is_the_top_from_any_folder_inside(tmp_path: Path) -> None:
    root = init_repo(tmp_path / "repo", {"app/api/routes.py": "x = 1\n"})
    assert gitcli.work_tree(root / "app" / "api") == root.resolve()
    assert gitcli.work_tree(root) == root.resolve()


def test_work_tree_outside_git_is_none(tmp_path: Path) -> None:
    assert gitcli.work_tree(tmp_path) is None


def test_a_bare_repository_is_refused_by_name(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "--bare", "store.git")
    with pytest.raises(gitcli.GitError, match="bare repositories are not supported"):
        gitcli.work_tree(tmp_path / "store.git")


def test_a_scan_in_a_bare_repository_is_a_clear_error(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "--bare", "store.git")
    code, _, err = invoke_in(tmp_path / "store.git", "scan", "--no-ledger", "--path", ".")
    assert code == 2
    assert "bare repositories are not supported" in err


@pytest.mark.parametrize("state", ["branch", "detached", "nested branch", "no commit"])
def test_head_position_is_what_gitpython_read(tmp_path: Path, state: str) -> None:
    root = tmp_path / "repo"
    if state == "no commit":
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
    else:
        init_repo(root, {"a.py": "x = 1\n"})
    if state == "detached":
        git(root, "checkout", "-q", "--detach")
    if state == "nested branch":
        git(root, "checkout", "-q", "-b", "feature/speed")
        git(root, "tag", "feature/speed")  # a tag of the same name: the branch is still named
    assert gitcli.head_position(root) == _gitpython_position(root)


def test_listing_and_ignoring_are_gits(tmp_path: Path) -> None:
    files = {".gitignore": "build/\n", "app/a.py": "x = 1\n", "build/b.py": "y = 2\n"}
    root = init_repo(tmp_path / "repo", files)
    (root / "app" / "new.py").write_text("z = 3\n", encoding="utf-8")  # untracked, not ignored
    assert gitcli.list_files(root, ["."]) == [".gitignore", "app/a.py", "app/new.py"]
    assert gitcli.is_ignored(root, "build")
    assert not gitcli.is_ignored(root, "app")
