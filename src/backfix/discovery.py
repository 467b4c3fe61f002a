"""Which files a run looks at: git-listed (respecting ``.gitignore``) in a repository, walked otherwise."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from backfix import gitcli

if TYPE_CHECKING:
    import git

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
    """Where a run happens: the root paths are relative to, and whether it is a git work tree's."""

    root: Path
    in_git: bool = False

    @property
    def git_root(self) -> Path | None:
        """The work tree's top inside git (the root), None outside."""
        return self.root if self.in_git else None

    @cached_property
    def repo(self) -> git.Repo | None:
        """The repository, opened through GitPython the first time a run needs more than
        :mod:`backfix.gitcli` reads; None outside git."""
        if not self.in_git:
            return None
        from backfix import gitops  # a run that only reads never imports GitPython

        return gitops.open_repo(self.root)

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
    """The repository containing the first path; outside git, the project folder holding it.

    Outside git the root is the current folder when the first path is inside it, unless the current
    folder is not a project (no ``pyproject.toml``, ``setup.py`` or ``setup.cfg``) and a folder between
    it and the path is: then the nearest such folder. A scan started from ``/tmp`` or a home folder
    thus reads, configures and records one project, not every file under the current folder.
    """
    first = paths[0] if paths else Path.cwd()
    # Where the path is, not where a link leads: a link out of the repository is refused later.
    resolved = Path(os.path.abspath(first))
    if _may_be_in_repo(resolved):
        top = gitcli.work_tree(resolved if resolved.is_dir() else resolved.parent)
        if top is not None:
            return Workspace(root=top, in_git=True)
    cwd = Path.cwd().resolve()
    resolved = resolved.parent.resolve() / resolved.name
    if _is_within(resolved, cwd):
        return Workspace(root=_project_folder(resolved, cwd))
    # Outside git and outside the current folder: the first path's folder is the root.
    return Workspace(root=resolved if resolved.is_dir() else resolved.parent)


#: files that mark the top folder of a Python project.
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")


def is_project(folder: Path) -> bool:
    """Whether ``folder`` holds a Python project's own file (``pyproject.toml``, ``setup.py``,
    ``setup.cfg``)."""
    return any((folder / marker).is_file() for marker in PROJECT_MARKERS)


def _project_folder(path: Path, cwd: Path) -> Path:
    """``cwd`` when it is a project or no folder between it and ``path`` is; else the nearest one."""
    if is_project(cwd):
        return cwd
    folder = path if path.is_dir() else path.parent
    for candidate in (folder, *folder.parents):
        if candidate == cwd:
            break
        if is_project(candidate):
            return candidate
    return cwd


def _may_be_in_repo(path: Path) -> bool:
    """False only when git could not find a repository for ``path``: no ``.git`` and no git folder
    (``HEAD``) in it or above it, and no ``GIT_DIR``: a run outside git does not start git."""
    if os.environ.get("GIT_DIR"):
        return True
    folder = path if path.is_dir() else path.parent
    return any((d / ".git").exists() or (d / "HEAD").exists() for d in (folder, *folder.parents))


def is_under(rel: str, root: str) -> bool:
    """Whether ``rel`` (root-relative) is ``root`` or lies in it; ``""``/``"."`` hold everything."""
    return root in ("", ".") or rel == root or rel.startswith(root.rstrip("/") + "/")


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


class PathError(ValueError):
    """A ``--path`` the run must not work on (outside the repository); nothing was read."""


@dataclass
class Discovery:
    """The files a run works on, and the ones it skipped with the reason."""

    files: list[str]
    notes: list[str]


def _check_target(workspace: Workspace, given: Path) -> Path:
    target = given.resolve()
    if not target.exists():
        raise FileNotFoundError(f"path does not exist: {target}")
    if _is_within(target, workspace.root):
        return target
    if given.is_symlink():
        raise PathError(
            f"{given} is a symbolic link to {target}, outside the repository at "
            f"{workspace.root}; backfix never follows links out of the repository"
        )
    raise PathError(
        f"{given} is outside the repository at {workspace.root}; run backfix on it separately"
    )


def _real(
    workspace: Workspace, rel: str, notes: list[str], real_folders: dict[Path, Path]
) -> str | None:
    """``rel`` under its real path; None (with a note) for a link that leads out of the root.

    ``real_folders`` keeps the real path of each folder already resolved: a file that is not a
    link itself is its real folder's entry, so a folder's links are followed once, not per file.
    """
    path = workspace.root / rel
    if path.is_symlink():
        real = path.resolve()
    else:
        folder = real_folders.get(path.parent)
        if folder is None:
            folder = real_folders[path.parent] = path.parent.resolve()
        real = folder / path.name
    if real == path:
        return rel
    if not _is_within(real, workspace.root):
        notes.append(f"{rel}: skipped, a symbolic link to {real}, outside the repository")
        return None
    return real.relative_to(workspace.root).as_posix()


def discover(
    workspace: Workspace,
    paths: Sequence[Path],
    exclude: Sequence[str],
    migrations: bool = False,
) -> Discovery:
    """Root-relative ``.py`` files under ``paths``, sorted, without excluded ones (nor, unless
    ``migrations``, Alembic's migration scripts: see :func:`_without_migrations`).

    Every file is taken under its real path, so a symbolic link is analysed (and written) once,
    as the file it points to, and never replaced; links out of the repository are skipped, and a
    ``--path`` outside it is refused (PathError).
    """
    targets = [_check_target(workspace, p) for p in list(paths or [Path.cwd()])]
    explicit = {workspace.rel(t) for t in targets if t.is_file()}
    named = [workspace.rel(t) for t in targets]
    found: set[str] = set()
    notes: list[str] = []
    if workspace.in_git:
        listed = _git_targets(workspace, targets)
        git_files = _git_files(workspace, listed)
        found.update(_real_paths(workspace, git_files, notes))
        # A file named explicitly is taken even when git ignores it.
        found.update(workspace.rel(t) for t in targets if t.is_file() and t.suffix == ".py")
        targets = [t for t in targets if t not in listed]
    for target in targets:
        if target.is_file():
            found.add(workspace.rel(target))
        else:
            found.update(_walk(workspace, target, notes))
    kept = _kept(found, explicit, exclude)
    if not migrations:
        kept = _without_migrations(workspace, kept, named, notes)
    return Discovery(kept, sorted(set(notes)))


def _without_migrations(
    workspace: Workspace, files: list[str], named: Sequence[str], notes: list[str]
) -> list[str]:
    """``files`` without the scripts of Alembic's ``versions/`` folders (each a step of the
    database's history, run once and left as it was written), unless a ``--path`` names that
    folder or a file in it; a note says what was skipped."""
    skipped: dict[str, int] = {}
    kept: list[str] = []
    for rel in files:
        folder = str(PurePosixPath(rel).parent)
        history = alembic_versions_folder(workspace.root, rel)
        # (a --path that names the folder, one below it or the script itself takes it)
        if history and not any(
            is_under(target, history) and is_under(rel, target) for target in named
        ):
            skipped[folder] = skipped.get(folder, 0) + 1
        else:
            kept.append(rel)
    for folder, count in sorted(skipped.items()):
        notes.append(
            f"{folder}: {count} Alembic migration script(s) skipped (history, run once as "
            "written); name the folder with --path to include them"
        )
    return kept


def in_alembic_versions(root: Path, rel: str) -> bool:
    """Whether the file ``rel`` is a migration script: see :func:`alembic_versions_folder`."""
    return bool(alembic_versions_folder(root, rel))


def alembic_versions_folder(root: Path, rel: str) -> str:
    """The Alembic ``versions/`` folder the file ``rel`` is in, directly or in a folder below it
    (``versions/legacy/``, listed in ``version_locations``); "" for a file outside one."""
    if "versions/" not in rel:  # (most files: no folder to look at)
        return ""
    for folder in PurePosixPath(rel).parents:
        if _is_alembic_versions(root / folder):
            return str(folder)
    return ""


def _is_alembic_versions(folder: Path) -> bool:
    """An Alembic ``versions/`` folder: beside the environment's ``env.py`` and template."""
    return folder.name == "versions" and (
        (folder.parent / "env.py").is_file() and (folder.parent / "script.py.mako").is_file()
    )


def _git_targets(workspace: Workspace, targets: Sequence[Path]) -> list[Path]:
    """The targets git lists files for: a folder the user names explicitly is walked instead when
    git ignores it as a whole."""
    root = workspace.root
    return [t for t in targets if t == root or not gitcli.is_ignored(root, workspace.rel(t))]


def _git_files(workspace: Workspace, targets: Sequence[Path]) -> list[str]:
    """The ``.py`` files git lists under ``targets`` (tracked, or untracked and not ignored)."""
    if not targets:
        return []
    rel_targets = [workspace.rel(t) if t != workspace.root else "." for t in targets]
    return [
        name
        for name in gitcli.list_files(workspace.root, rel_targets)
        if name.endswith(".py") and (workspace.root / name).is_file()
    ]


def _walk(workspace: Workspace, folder: Path, notes: list[str]) -> Iterator[str]:
    """The ``.py`` files under ``folder``, outside SKIP_DIRS and hidden folders."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        rels = [
            Path(dirpath, filename).relative_to(workspace.root).as_posix()
            for filename in filenames
            if filename.endswith(".py")
        ]
        yield from _real_paths(workspace, rels, notes)


def _kept(found: set[str], explicit: set[str], exclude: Sequence[str]) -> list[str]:
    """``found`` without the excluded files, sorted; a file named explicitly is always kept."""
    return sorted(rel for rel in found if rel in explicit or not is_excluded(rel, exclude))


def _real_paths(workspace: Workspace, rels: Sequence[str], notes: list[str]) -> Iterator[str]:
    """Each of ``rels`` under its real path; links out of the root are left out (with a note)."""
    real_folders: dict[Path, Path] = {}
    for rel in rels:
        real = _real(workspace, rel, notes, real_folders)
        if real is not None:
            yield real


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True
