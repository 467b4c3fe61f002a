"""Which files a run looks at: git-listed (respecting ``.gitignore``) in a repository, walked otherwise."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import git

from backfix import gitops

#: folders never walked outside git (inside git, .gitignore decides).
SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".nox",
        "node_modules",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        "site-packages",
        ".backfix",
    }
)


@dataclass(frozen=True)
class Workspace:
    """Where a run happens: the root paths are relative to, and the repository if there is one."""

    root: Path
    repo: git.Repo | None

    def rel(self, path: Path) -> str:
        """Normalized POSIX path relative to the root (absolute when outside it)."""
        resolved = path.resolve()
        try:
            return resolved.relative_to(self.root).as_posix()
        except ValueError:
            return resolved.as_posix()

    def abs(self, rel: str) -> Path:
        """Absolute path of a root-relative path."""
        return self.root / rel


def open_workspace(paths: Sequence[Path]) -> Workspace:
    """The repository containing the first path, else the current folder."""
    first = paths[0] if paths else Path.cwd()
    repo = gitops.find_repo(first.resolve())
    if repo is not None:
        return Workspace(root=gitops.repo_root(repo), repo=repo)
    return Workspace(root=Path.cwd().resolve(), repo=None)


def is_excluded(rel: str, globs: Sequence[str]) -> bool:
    """A glob matches the whole path, a folder prefix of it, or (without '/') any single part."""
    parts = PurePosixPath(rel).parts
    for glob in globs:
        pattern = glob.strip("/")
        if fnmatch.fnmatchcase(rel, pattern) or fnmatch.fnmatchcase(rel, pattern + "/*"):
            return True
        if "/" not in pattern and any(fnmatch.fnmatchcase(part, pattern) for part in parts):
            return True
    return False


def discover(workspace: Workspace, paths: Sequence[Path], exclude: Sequence[str]) -> list[str]:
    """Root-relative ``.py`` files under ``paths``, sorted, without excluded ones."""
    targets = [p.resolve() for p in (paths or [Path.cwd()])]
    for target in targets:
        if not target.exists():
            raise FileNotFoundError(f"path does not exist: {target}")
    found: set[str] = set()
    inside = [t for t in targets if _is_within(t, workspace.root)]
    if workspace.repo is not None:
        # A folder the user names explicitly is walked even when git ignores it as a whole.
        repo = workspace.repo
        inside = [
            t
            for t in inside
            if t == workspace.root or not gitops.is_ignored(repo, workspace.rel(t))
        ]
    if workspace.repo is not None and inside:
        rel_targets = [workspace.rel(t) if t != workspace.root else "." for t in inside]
        listed = gitops.list_files(workspace.repo, rel_targets)
        found.update(
            name for name in listed if name.endswith(".py") and (workspace.root / name).is_file()
        )
        # A file named explicitly is taken even when git ignores it.
        found.update(workspace.rel(t) for t in inside if t.is_file() and t.suffix == ".py")
        targets = [t for t in targets if t not in inside]
    for target in targets:
        if target.is_file():
            found.add(workspace.rel(target))
            continue
        for dirpath, dirnames, filenames in os.walk(target):
            dirnames[:] = sorted(
                d for d in dirnames if d not in SKIP_DIRS and not d.startswith(".")
            )
            for filename in filenames:
                if filename.endswith(".py"):
                    found.add(workspace.rel(Path(dirpath, filename)))
    explicit = {workspace.rel(t) for t in (paths or []) if Path(t).is_file()}
    return sorted(rel for rel in found if rel in explicit or not is_excluded(rel, exclude))


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True
