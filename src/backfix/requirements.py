"""The dependencies a project declares: requirement files, ``pyproject.toml``, ``setup.cfg``, ``setup.py``.

Exact pins (``==``) and ranges (``>=2.5,<3``), read for :mod:`backfix.versions`, which imports this
module only for a project that has such a file. Requirements are parsed with ``packaging``, as pip
does; nothing is executed.
"""

from __future__ import annotations

import ast
import configparser
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from backfix.config import tomllib
from backfix.versions import Found, keep_lowest, parse_version

_LOWER_BOUNDS = frozenset({">=", "==", "~=", "===", ">"})


def declared(root: Path, files: Sequence[Path]) -> tuple[dict[str, Found], dict[str, Found]]:
    """Exact pins and ranges declared in ``files`` (:func:`~backfix.versions.declaring_files`)."""
    pins: dict[str, Found] = {}
    ranges: dict[str, Found] = {}
    for source, text in _requirements(root, files):
        try:
            requirement = Requirement(text)
        except InvalidRequirement:
            continue
        package = canonicalize_name(requirement.name)
        specifier = requirement.specifier
        exact = _exact(specifier)
        if exact is not None:
            keep_lowest(pins, Found(package, exact, source))
        elif len(specifier) and package not in ranges:
            ranges[package] = Found(package, _lower_bound(specifier), source, specifier)
    return pins, ranges


def declares_any(root: Path, files: Sequence[Path]) -> bool:
    """Whether any of ``files`` (under ``root``) declares a requirement, pinned or not."""
    return any(True for _ in _requirements(root, files))


def _exact(specifier: SpecifierSet) -> Version | None:
    specs = list(specifier)
    if len(specs) == 1 and specs[0].operator in {"==", "==="} and "*" not in specs[0].version:
        return parse_version(specs[0].version)
    return None


def _lower_bound(specifier: SpecifierSet) -> Version | None:
    bounds = [
        v
        for s in specifier
        if s.operator in _LOWER_BOUNDS and (v := parse_version(s.version.rstrip(".*"))) is not None
    ]
    return max(bounds) if bounds else None


def _requirements(root: Path, files: Sequence[Path]) -> Iterator[tuple[str, str]]:
    """(file, requirement string) from every place a project declares its dependencies; each file
    named relative to ``root``."""
    readers = {"pyproject.toml": _pyproject, "setup.cfg": _setup_cfg, "setup.py": _setup_py}
    seen: set[Path] = set()
    for path in files:
        reader = readers.get(path.name)
        if reader is None:
            yield from _requirement_file(root, path, seen)
        else:
            label = path.relative_to(root).as_posix()
            yield from ((label, text) for text in reader(path))


#: ``-r other.txt`` / ``--requirement=other.txt`` / ``-c constraints.txt``: another file pip reads
_INCLUDE = re.compile(r"(?:-r|--requirement|-c|--constraint)(?:\s*=\s*|\s+|(?=\S))(\S+)")


#: a requirement's own options, after it on its line: ``--hash=...``, ``--config-settings ...``
_OPTIONS = re.compile(r"(?<=\S)\s+--\S.*$")


def _logical_lines(lines: Sequence[str]) -> Iterator[str]:
    """The lines as pip reads them: one ending in a backslash continues on the next."""
    pending = ""
    for line in lines:
        if line.endswith("\\") and not line.lstrip().startswith("#"):
            pending += line[:-1] + " "
            continue
        yield pending + line
        pending = ""
    if pending:
        yield pending


def _requirement_file(root: Path, path: Path, seen: set[Path]) -> Iterator[tuple[str, str]]:
    """(file, requirement string) of a requirements file and of the files it includes (``-r``,
    ``-c``, relative to its folder, as pip reads them), each file once."""
    resolved = path.resolve()
    if resolved in seen:
        return
    seen.add(resolved)
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        label = path.relative_to(root).as_posix()
    except (OSError, ValueError):  # unreadable, or included from outside the repository
        return
    for line in _logical_lines(lines):
        text = re.sub(r"(^|\s)#.*", "", line).strip()
        text = _OPTIONS.sub("", text)  # `flask==2.3.3 --hash=sha256:...` (pip-compile's hashes)
        included = _INCLUDE.fullmatch(text)
        if included is not None:
            yield from _requirement_file(root, path.parent / included.group(1), seen)
        elif text and not text.startswith(("-", "git+", "http:", "https:", "file:")):
            yield label, text


def _pyproject(path: Path) -> Iterator[str]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return
    project = data.get("project", {})
    for text in project.get("dependencies", []):
        yield str(text)
    for group in (project.get("optional-dependencies") or {}).values():
        for text in group:
            yield str(text)
    for group in (data.get("dependency-groups") or {}).values():
        for text in group:
            if isinstance(text, str):
                yield text
    poetry = data.get("tool", {}).get("poetry", {})
    tables = [poetry.get("dependencies", {}), poetry.get("dev-dependencies", {})]
    tables += [g.get("dependencies", {}) for g in (poetry.get("group") or {}).values()]
    for table in tables:
        for name, constraint in table.items():
            text = _poetry(name, constraint)
            if text:
                yield text


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
    release = parse_version(piece[1:])
    if release is None:
        return None
    numbers = [*release.release, 0, 0]
    if piece[0] == "^":  # the first non-zero part may not change
        index = next((i for i, n in enumerate(numbers[:3]) if n), 2)
    else:  # `~1.4` allows 1.4.x; `~1` allows 1.x
        index = 1 if len(release.release) > 1 else 0
    upper = [*numbers[:index], numbers[index] + 1]
    return f">={piece[1:]},<{'.'.join(map(str, upper))}"


def _setup_cfg(path: Path) -> Iterator[str]:
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
                yield line.strip()


def _setup_py(path: Path) -> Iterator[str]:
    """``install_requires=[...]`` given as a literal list, or as a name the module binds once to
    one (``requirements = [...]``, then ``install_requires=requirements``); nothing is executed."""
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.keyword) or node.arg != "install_requires":
            continue
        value: ast.expr | None = node.value
        if isinstance(value, ast.Name):
            value = _bound_once(tree, value.id)
        if isinstance(value, (ast.List, ast.Tuple)):
            for element in value.elts:
                if isinstance(element, ast.Constant) and isinstance(element.value, str):
                    yield element.value


def _bound_once(tree: ast.Module, name: str) -> ast.expr | None:
    """The value of the one module-level ``name = ...`` of ``tree``; None when there is not
    exactly one binding of ``name`` at module level (an ``+=`` or a loop may add to it)."""
    values = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and len(node.targets) == 1
        and isinstance(node.targets[0], ast.Name)
        and node.targets[0].id == name
    ]
    changed = any(_changes(node, name) for node in ast.walk(tree))
    return values[0] if len(values) == 1 and not changed else None


def _changes(node: ast.AST, name: str) -> bool:
    """Whether ``node`` adds to ``name`` (``name += [...]``, ``name.append(...)``) or binds it
    in a loop."""
    if isinstance(node, ast.AugAssign | ast.For):
        return isinstance(node.target, ast.Name) and node.target.id == name
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == name
    )
