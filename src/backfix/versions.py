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

Versions and specifiers are parsed with ``packaging``, as pip does.
"""

from __future__ import annotations

import ast
import configparser
import json
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from backfix.config import tomllib

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
_LOWER_BOUNDS = frozenset({">=", "==", "~=", "===", ">"})
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

    @property
    def name(self) -> str:
        """The package's display name."""
        return NAMED.get(self.package, self.package)

    def describe(self) -> str:
        """``SQLAlchemy 1.4.52 (uv.lock)`` / ``SQLModel not found``."""
        if self.version is None:
            if self.specifier is not None:
                return f"{self.name} {self.specifier} ({self.source}; no lower bound)"
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
) -> dict[str, Found]:
    """The version of each package (canonical name) the project at ``root`` runs on."""
    wanted = [canonicalize_name(p) for p in packages]
    env = os.environ if environ is None else environ
    found: dict[str, Found] = {}
    pins, ranges = _declared(root)
    sources: list[Mapping[str, Found]] = [
        _overrides(overrides or {}),
        _locked(root),
        pins,
        _virtualenvs(root, env),
        ranges,
        _running(wanted),
    ]
    for package in wanted:
        for source in sources:
            if package in source:
                found[package] = source[package]
                break
        else:
            found[package] = Found(package, None, "not found")
    return found


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


def _locked(root: Path) -> dict[str, Found]:
    found: dict[str, Found] = {}
    for name in LOCK_FILES:
        path = root / name
        if not path.is_file():
            continue
        try:
            entries = list(_lock_entries(path))
        except (OSError, ValueError, tomllib.TOMLDecodeError):
            continue
        for package, version in entries:
            _keep_lowest(found, Found(package, version, name))
    return found


def _lock_entries(path: Path) -> Iterator[tuple[str, Version]]:
    text = path.read_text(encoding="utf-8")
    if path.name == "Pipfile.lock":
        data = json.loads(text)
        for section in ("default", "develop"):
            for name, entry in (data.get(section) or {}).items():
                pinned = str(entry.get("version", "")) if isinstance(entry, dict) else ""
                version = _version(pinned.removeprefix("=="))
                if version is not None:
                    yield canonicalize_name(name), version
        return
    for entry in tomllib.loads(text).get("package", []):
        version = _version(str(entry.get("version", "")))
        if isinstance(entry, dict) and "name" in entry and version is not None:
            yield canonicalize_name(str(entry["name"])), version


def _version(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _keep_lowest(found: dict[str, Found], candidate: Found) -> None:
    """Several entries (dependency groups, platforms): the lowest is the one every run has."""
    current = found.get(candidate.package)
    if current is None or (
        candidate.version is not None
        and current.version is not None
        and candidate.version < current.version
    ):
        found[candidate.package] = candidate


# --- declared requirements ---------------------------------------------------------------------------


def _declared(root: Path) -> tuple[dict[str, Found], dict[str, Found]]:
    """Exact pins and ranges declared by the project's requirement files."""
    pins: dict[str, Found] = {}
    ranges: dict[str, Found] = {}
    for source, text in _requirements(root):
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        package = canonicalize_name(requirement.name)
        specifier = requirement.specifier
        exact = _exact(specifier)
        if exact is not None:
            _keep_lowest(pins, Found(package, exact, source))
        elif len(specifier) and package not in ranges:
            ranges[package] = Found(package, _lower_bound(specifier), source, specifier)
    return pins, ranges


def _exact(specifier: SpecifierSet) -> Version | None:
    specs = list(specifier)
    if len(specs) == 1 and specs[0].operator in {"==", "==="} and "*" not in specs[0].version:
        return _version(specs[0].version)
    return None


def _lower_bound(specifier: SpecifierSet) -> Version | None:
    bounds = [
        v
        for s in specifier
        if s.operator in _LOWER_BOUNDS and (v := _version(s.version.rstrip(".*"))) is not None
    ]
    return max(bounds) if bounds else None


def _requirements(root: Path) -> Iterator[tuple[str, str]]:
    """(file, requirement string) from every place a project declares its dependencies."""
    files = sorted(root.glob("requirements*.txt")) + sorted(root.glob("requirements/*.txt"))
    for path in files:
        yield from _requirement_lines(path, root)
    yield from _pyproject(root / "pyproject.toml")
    yield from _setup_cfg(root / "setup.cfg")
    yield from _setup_py(root / "setup.py")


def _requirement_lines(path: Path, root: Path) -> Iterator[tuple[str, str]]:
    rel = path.relative_to(root).as_posix()
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    for line in lines:
        text = re.sub(r"(^|\s)#.*", "", line).strip()
        if text and not text.startswith(("-", "git+", "http:", "https:", "file:")):
            yield rel, text


def _pyproject(path: Path) -> Iterator[tuple[str, str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return
    project = data.get("project", {})
    for text in project.get("dependencies", []):
        yield path.name, str(text)
    for group in (project.get("optional-dependencies") or {}).values():
        for text in group:
            yield path.name, str(text)
    for group in (data.get("dependency-groups") or {}).values():
        for text in group:
            if isinstance(text, str):
                yield path.name, text
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for g in (poetry.get("group") or {}).values()]
    for table in tables:
        for name, constraint in table.items():
            text = _poetry(name, constraint)
            if text:
                yield path.name, text


def _poetry(name: str, constraint: object) -> str:
    """A poetry constraint as a PEP 508 requirement: ``^1.4`` → ``>=1.4,<2``, ``1.4.52`` → ``==``."""
    if isinstance(constraint, dict):
        constraint = constraint.get("version", "")
    if not isinstance(constraint, str) or name == "python":
        return ""
    pieces = [_poetry_piece(piece) for piece in constraint.replace(" ", "").split(",")]
    if None in pieces:
        return ""
    parts = [piece for piece in pieces if piece]
    try:
        SpecifierSet(",".join(parts))
    except InvalidSpecifier:
        return ""
    return f"{name}{','.join(parts)}"


def _poetry_piece(piece: str) -> str | None:
    """One poetry constraint (``^1.4``, ``~1.4.2``, ``1.4.52``, ``>=1.4``) in PEP 440; None if bad."""
    if not piece or piece == "*":
        return ""
    if piece[0].isdigit():
        return f"=={piece}"
    if piece[0] not in "^~" or piece.startswith("~="):
        return piece
    release = _version(piece[1:])
    if release is None:
        return None
    numbers = [*release.release, 0, 0]
    if piece[0] == "^":  # the first non-zero part may not change
        index = next((i for i, n in enumerate(numbers[:3]) if n), 2)
    else:  # `~1.4` allows 1.4.x; `~1` allows 1.x
        index = 1 if len(release.release) > 1 else 0
    upper = [*numbers[:index], numbers[index] + 1]
    return f">={piece[1:]},<{'.'.join(map(str, upper))}"


def _setup_cfg(path: Path) -> Iterator[tuple[str, str]]:
    if not path.is_file():
        return
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return
    if parser.has_option("options", "install_requires"):
        for line in parser.get("options", "install_requires").splitlines():
            if line.strip():
                yield path.name, line.strip()


def _setup_py(path: Path) -> Iterator[tuple[str, str]]:
    """``install_requires=[...]`` given as a literal list (nothing is executed)."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.keyword) or node.arg != "install_requires":
            continue
        if isinstance(node.value, (ast.List, ast.Tuple)):
            for element in node.value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    yield path.name, element.value


# --- installed ---------------------------------------------------------------------------------------


def _virtualenvs(root: Path, environ: Mapping[str, str]) -> dict[str, Found]:
    candidates: list[tuple[Path, str]] = []
    if environ.get("VIRTUAL_ENV"):
        candidates.append((Path(environ["VIRTUAL_ENV"]), "$VIRTUAL_ENV"))
    candidates += [(root / name, f"{name}/") for name in VENV_DIRS]
    for venv, label in candidates:
        sites = [*venv.glob("lib/python*/site-packages"), *venv.glob("Lib/site-packages")]
        if not sites:
            continue
        found: dict[str, Found] = {}
        for dist in metadata.distributions(path=[str(s) for s in sites]):
            name = dist.metadata["Name"] if dist.metadata else None
            version = _version(dist.version) if name else None
            if name and version is not None:
                _keep_lowest(found, Found(canonicalize_name(name), version, label))
        return found  # the first virtualenv that exists is the project's
    return {}


def _running(packages: Iterable[str]) -> dict[str, Found]:
    found: dict[str, Found] = {}
    for package in packages:
        try:
            version = _version(metadata.version(package))
        except metadata.PackageNotFoundError:
            continue
        if version is not None:
            found[package] = Found(package, version, RUNNING)
    return found
