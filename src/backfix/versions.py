"""Which versions of SQLAlchemy, Flask-SQLAlchemy and SQLModel a project runs on, and how we know.

A codemod must emit only APIs that exist where the project runs, so the sources are tried from the
most specific to the least:

1. ``[tool.backfix.versions]`` in the project's ``pyproject.toml`` (the user said so);
2. lock files (``uv.lock``, ``poetry.lock``, ``pdm.lock``, ``Pipfile.lock``) and exact pins
   (``==``) in ``requirements*.txt``, ``pyproject.toml``, ``setup.cfg`` and ``setup.py``;
3. the project's own virtualenv (``$VIRTUAL_ENV``, ``.venv/``, ``venv/``): what is installed there;
4. declared ranges (``>=2.5,<3``): the lowest version they allow, since code that works there works
   on every later version the range allows only if the API still exists; the codemods check both;
5. the environment backfix itself runs in (often a pipx venv that knows nothing of the project).

The project's files are those of its folder (:func:`project_folder`): in a repository holding
several projects, the one the run's paths belong to. Lock files and virtualenvs are also looked for
in the folders above it, up to the repository's root (a uv or poetry workspace locks, and installs,
its members at its root).

Versions and specifiers are parsed with ``packaging``, as pip does.
"""

from __future__ import annotations

import functools
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from backfix.config import tomllib

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

#: canonical name → display name of the packages codemods care about.
PACKAGES = {
    "sqlalchemy": "SQLAlchemy",
    "flask-sqlalchemy": "Flask-SQLAlchemy",
    "sqlmodel": "SQLModel",
}
#: packages a codemod asks for by name (``find_versions(..., packages=...)``), and may be set in
#: ``[tool.backfix.versions]`` too; not looked up by default.
NAMED = {**PACKAGES, "fastapi": "FastAPI"}
LOCK_FILES = ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
VENV_DIRS = (".venv", "venv")
#: the source of a version found only where backfix itself runs (it says nothing of the project).
RUNNING = "the environment backfix runs in"


class VersionError(ValueError):
    """An override in ``[tool.backfix.versions]`` that is not a version or names no package."""


@dataclass(frozen=True)
class Found:
    """One package's version as far as the project tells: ``version`` None when nobody says."""

    package: str  # canonical name
    version: Version | None
    source: str  # where it came from, for the user: "uv.lock", ".venv", "requirements.txt"...
    specifier: SpecifierSet | None = None  # the declared range, when the version came from one
    #: the range the project declares, when the version came from an installed environment and
    #: the range allows lower versions (the installed one is not all the project runs on)
    declared: Found | None = None
    #: what the project's own files say (a lock file, a pin, a range's lowest version) when
    #: ``[tool.backfix.versions]`` sets a higher version: code written for that one may not run
    #: on what the project installs
    overridden: Found | None = None

    @property
    def name(self) -> str:
        """The package's display name."""
        return NAMED.get(self.package, self.package)

    def describe(self) -> str:
        """``SQLAlchemy 1.4.52 (uv.lock)`` / ``SQLModel not found``."""
        if self.version is None:
            if self.specifier is not None:
                return (
                    f"{self.name} {self.specifier} ({self.source}; no lower bound, so no version "
                    "is assumed: declare one, or set it in [tool.backfix.versions], for forms "
                    "that depend on it)"
                )
            return f"{self.name} not found"
        if self.specifier is not None:
            return (
                f"{self.name} {self.version} (lowest allowed by {self.specifier} in {self.source})"
            )
        return f"{self.name} {self.version} ({self.source})"

    def at_least(self, version: str) -> bool | None:
        """Does the project run on ``version`` or later? None when nothing says which version."""
        if self.version is None:
            return None
        return self.version >= Version(version)


def find_versions(
    root: Path,
    overrides: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    packages: Iterable[str] = PACKAGES,
    folder: Path | None = None,
    installed: bool = True,
) -> dict[str, Found]:
    """The version of each package (canonical name) the project runs on.

    ``folder`` is the project's folder (:func:`project_folder`), ``root`` or a folder under it
    (default ``root``); sources are named relative to ``root`` (``svc/pyproject.toml``). Without
    ``installed``, only what the project declares counts (overrides, lock files, requirements),
    not what a virtualenv or backfix's own environment happens to have.
    """
    wanted = [canonicalize_name(p) for p in packages]
    env = os.environ if environ is None else environ
    root = root.resolve()
    folders = _up_to(root, root if folder is None else folder)
    found: dict[str, Found] = {}
    pins, ranges = _declared(root, folders[0])
    virtualenv = _virtualenvs(root, folders, env) if installed else {}
    running = _running(wanted) if installed else {}
    sources: list[Mapping[str, Found]] = [
        _overrides(overrides or {}),
        _nearest_locked(root, folders),
        pins,
        virtualenv,
        ranges,
        running,
    ]
    for package in wanted:
        source = next((s for s in sources if package in s), None)
        if source is None:
            found[package] = Found(package, None, "not found")
        elif source is virtualenv or source is running:
            found[package] = _with_declared(source[package], ranges.get(package))
        elif source is sources[0]:
            own = next((s[package] for s in [*sources[1:3], ranges] if package in s), None)
            found[package] = _with_overridden(source[package], own)
        else:
            found[package] = source[package]
    return found


def _with_overridden(found: Found, own: Found | None) -> Found:
    """``found`` (set in ``[tool.backfix.versions]``) with what the project's files say, when
    that is a lower version."""
    if own is None or own.version is None or found.version is None:
        return found
    return replace(found, overridden=own) if own.version < found.version else found


def _with_declared(found: Found, declared: Found | None) -> Found:
    """``found`` (an installed version) with the range the project declares, when that range
    allows a lower version."""
    if declared is None or declared.version is None or found.version is None:
        return found
    return replace(found, declared=declared) if declared.version < found.version else found


def project_folder(root: Path, start: Path, declares: Callable[[Path], bool] | None = None) -> Path:
    """The folder of the project ``start`` (a file or folder) belongs to, for its versions.

    The nearest folder from ``start`` up to ``root`` that declares a dependency: a lock file, or a
    requirement, pinned or not, in one of :func:`declaring_files` (a ``pyproject.toml`` that only
    configures tools does not count). ``root`` when none does, or when ``start`` is not under ``root``. A service in
    a monorepo (``svc/pyproject.toml`` in a repository that declares nothing, or only its tooling)
    thus runs on what its own folder declares. ``declares`` answers for a folder instead of
    :func:`_declares_at` (a cached copy of it, for many starts).
    """
    root, folder = root.resolve(), start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    declaring = declares or functools.partial(_declares_at, root)
    for candidate in _up_to(root, folder)[:-1]:
        if declaring(candidate):
            return candidate
    return root


def folder_of_most(root: Path, files: Iterable[str]) -> Path:
    """The project folder (:func:`project_folder`) most of ``files`` (root-relative) belong to:
    for a run over a repository whose root declares nothing and whose code and requirements sit
    in a folder below it (``securedrop/requirements/python3/requirements.txt``); ``root`` (resolved)
    where most belong to none, or on a tie."""
    root = root.resolve()
    declares = functools.cache(functools.partial(_declares_at, root))
    nearest: dict[Path, Path] = {}
    counts: Counter[Path] = Counter()
    for rel in files:
        parent = (root / rel).parent
        if parent not in nearest:
            nearest[parent] = project_folder(root, parent, declares)
        counts[nearest[parent]] += 1
    ranked = counts.most_common(2)
    if not ranked or (len(ranked) > 1 and ranked[0][1] == ranked[1][1]):
        return root
    return ranked[0][0]


def declares_dependencies(root: Path, packages: Iterable[str] | None = None) -> bool:
    """Whether ``root`` itself has a lock file or declares a dependency; with ``packages``
    (canonical names), whether it locks or declares one of those."""
    root = root.resolve()
    if packages is None:
        return _declares_at(root, root)
    pins, ranges = _declared(root, root)
    return not set(packages).isdisjoint([*_locked(root, root), *pins, *ranges])


def _declares_at(root: Path, folder: Path) -> bool:
    """Whether ``folder`` (``root`` resolved, or under it) has a lock file or declares a
    dependency."""
    return bool(_locked(root, folder)) or _declares(folder)


def _up_to(root: Path, folder: Path) -> list[Path]:
    """``folder`` and the folders above it, up to ``root`` (only ``root`` when it is not under it);
    ``root`` resolved."""
    folder = folder.resolve()
    if folder != root and root not in folder.parents:
        return [root]
    return [folder, *folder.parents[: len(folder.parents) - len(root.parents)]]


def _label(root: Path, folder: Path, name: str) -> str:
    """The file ``name`` of ``folder`` (``root`` or under it) as the user is told it: relative to
    ``root`` (both resolved)."""
    return (folder.relative_to(root) / name).as_posix()


def _overrides(table: Mapping[str, object]) -> dict[str, Found]:
    found: dict[str, Found] = {}
    for key, value in table.items():
        package = canonicalize_name(key)
        if package not in NAMED:
            known = ", ".join(NAMED)
            raise VersionError(f"[tool.backfix.versions]: unknown package {key!r} (known: {known})")
        try:
            version = Version(str(value))
        except InvalidVersion:
            raise VersionError(
                f"[tool.backfix.versions]: {key} = {value!r} is not a version"
            ) from None
        found[package] = Found(package, version, "[tool.backfix.versions]")
    return found


# --- lock files -------------------------------------------------------------------------------------


def _nearest_locked(root: Path, folders: Iterable[Path]) -> dict[str, Found]:
    """What the lock files of the nearest of ``folders`` that has one pin."""
    for folder in folders:
        found = _locked(root, folder)
        if found:
            return found
    return {}


def _locked(root: Path, folder: Path) -> dict[str, Found]:
    found: dict[str, Found] = {}
    for name in LOCK_FILES:
        path = folder / name
        if not path.is_file():
            continue
        try:
            entries = list(_lock_entries(path))
        except (OSError, ValueError, tomllib.TOMLDecodeError):
            continue
        for package, version in entries:
            keep_lowest(found, Found(package, version, _label(root, folder, name)))
    return found


def _lock_entries(path: Path) -> Iterator[tuple[str, Version]]:
    text = path.read_text(encoding="utf-8")
    if path.name == "Pipfile.lock":
        data = json.loads(text)
        for section in ("default", "develop"):
            for name, entry in (data.get(section) or {}).items():
                pinned = str(entry.get("version", "")) if isinstance(entry, dict) else ""
                version = parse_version(pinned.removeprefix("=="))
                if version is not None:
                    yield canonicalize_name(name), version
        return
    for entry in tomllib.loads(text).get("package", []):
        version = parse_version(str(entry.get("version", "")))
        if isinstance(entry, dict) and "name" in entry and version is not None:
            yield canonicalize_name(str(entry["name"])), version


def parse_version(text: str) -> Version | None:
    """``text`` as a version; None when it is not one."""
    try:
        return Version(text)
    except InvalidVersion:
        return None


def keep_lowest(found: dict[str, Found], candidate: Found) -> None:
    """Several entries (dependency groups, platforms): the lowest is the one every run has."""
    current = found.get(candidate.package)
    if current is None or (
        candidate.version is not None
        and current.version is not None
        and candidate.version < current.version
    ):
        found[candidate.package] = candidate


# --- declared requirements ---------------------------------------------------------------------------


def declaring_files(root: Path) -> list[Path]:
    """The files where the project at ``root`` may declare its dependencies, in reading order."""
    # (`requirements/python3/requirements.txt`: a folder per Python, or per purpose, below it)
    files = sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/**/*.txt"))
    fixed = (root / name for name in ("pyproject.toml", "setup.cfg", "setup.py"))
    return files + [path for path in fixed if path.is_file()]


def _declared(root: Path, folder: Path) -> tuple[dict[str, Found], dict[str, Found]]:
    """Exact pins and ranges declared by the requirement files of the project at ``folder``."""
    files = declaring_files(folder)
    if not files:
        return {}, {}
    # Imported here: packaging's requirement parser is a large part of a scan's start-up, and a
    # project that declares nothing (a folder of scripts) does not need it.
    from backfix import requirements

    return requirements.declared(root, files)


def _declares(folder: Path) -> bool:
    """Whether the requirement files of ``folder`` declare any dependency, pinned or not."""
    files = declaring_files(folder)
    if not files:
        return False
    from backfix import requirements  # see _declared

    return requirements.declares_any(folder, files)


# --- installed ---------------------------------------------------------------------------------------


def _virtualenvs(
    root: Path, folders: Iterable[Path], environ: Mapping[str, str]
) -> dict[str, Found]:
    candidates: list[tuple[Path, str]] = []
    if environ.get("VIRTUAL_ENV"):
        candidates.append((Path(environ["VIRTUAL_ENV"]), "$VIRTUAL_ENV"))
    candidates += [
        (folder / name, f"{_label(root, folder, name)}/")
        for folder in folders
        for name in VENV_DIRS
    ]
    for venv, label in candidates:
        sites = [*venv.glob("lib/python*/site-packages"), *venv.glob("Lib/site-packages")]
        if not sites:
            continue
        found: dict[str, Found] = {}
        for dist in metadata.distributions(path=[str(s) for s in sites]):
            name = dist.metadata["Name"] if dist.metadata else None
            version = parse_version(dist.version) if name else None
            if name and version is not None:
                keep_lowest(found, Found(canonicalize_name(name), version, label))
        return found  # the first virtualenv that exists is the project's
    return {}


def _running(packages: Iterable[str]) -> dict[str, Found]:
    found: dict[str, Found] = {}
    for package in packages:
        try:
            version = parse_version(metadata.version(package))
        except metadata.PackageNotFoundError:
            continue
        if version is not None:
            found[package] = Found(package, version, RUNNING)
    return found
