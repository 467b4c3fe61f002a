"""The lowest Python a project supports, from what it declares (``requires-python``, ruff's
``target-version``, Poetry's ``python`` dependency, ``python_requires`` in ``setup.cfg`` or
``setup.py``, the ``pyXY`` environments of tox's ``envlist``): what the code a codemod writes into
it must run on."""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backfix.config import tomllib

if TYPE_CHECKING:
    from packaging.version import Version

_RUFF_TARGET = re.compile(r"py3(\d+)")
#: ``python_requires=">=3.8"`` in a ``setup.py``
_SETUP_PY_REQUIRES = re.compile(r"""python_requires\s*=\s*['"]([^'"]+)['"]""")
#: a tox environment named for a CPython version (``py38``, ``py310-django``)
_TOX_PYTHON = re.compile(r"(?<![\w.])py3(\d+)(?![\d.])")


def lowest_python(root: Path) -> tuple[Version | None, str]:
    """The lowest Python the project supports and where that came from (None, "" when unknown)."""
    data = _pyproject(root)
    requires = _table(data, "project").get("requires-python")
    if isinstance(requires, str):
        return _lower(requires), "requires-python in pyproject.toml"
    tool = _table(data, "tool")
    match = _RUFF_TARGET.fullmatch(str(_table(tool, "ruff").get("target-version", "")))
    if match:
        return _lower(f"==3.{match.group(1)}"), "ruff's target-version"
    poetry = _table(_table(tool, "poetry"), "dependencies").get("python")
    if isinstance(poetry, str):
        return _lower(poetry.replace("^", ">=").replace("~", "~=")), "Poetry's python dependency"
    return _setup_cfg(root)


def _pyproject(root: Path) -> dict[str, Any]:
    try:
        data: dict[str, Any] = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _setup_cfg(root: Path) -> tuple[Version | None, str]:
    parser = configparser.ConfigParser()
    try:
        parser.read(root / "setup.cfg", encoding="utf-8")
    except (OSError, configparser.Error):
        return None, ""
    value = parser.get("options", "python_requires", fallback="")
    if value:
        return _lower(value), "python_requires in setup.cfg"
    return _setup_py(root)


def _setup_py(root: Path) -> tuple[Version | None, str]:
    try:
        text = (root / "setup.py").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return _tox(root)
    match = _SETUP_PY_REQUIRES.search(text)
    return (_lower(match.group(1)), "python_requires in setup.py") if match else _tox(root)


def _tox(root: Path) -> tuple[Version | None, str]:
    """The oldest ``pyXY`` environment of ``envlist`` in ``tox.ini``: the Pythons it tests on."""
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(root / "tox.ini", encoding="utf-8")
    except (OSError, configparser.Error):
        return None, ""
    envlist = _expanded(parser.get("tox", "envlist", fallback=""))
    minors = [int(minor) for minor in _TOX_PYTHON.findall(envlist)]
    if not minors:
        return None, ""
    return _lower(f"==3.{min(minors)}"), "the envlist of tox.ini"


#: the innermost ``{a,b}`` of a tox environment name
_BRACES = re.compile(r"([^\s,{}]*)\{([^{}]*)\}([^\s,{}]*)")


def _expanded(envlist: str) -> str:
    """``envlist`` with tox's braces expanded: ``py3{8,9}-lint`` → ``py38-lint,py39-lint``."""
    for _ in range(8):  # (nested braces, each pass the innermost)
        expanded = _BRACES.sub(
            lambda m: ",".join(m.group(1) + part + m.group(3) for part in m.group(2).split(",")),
            envlist,
        )
        if expanded == envlist:
            break
        envlist = expanded
    return envlist


def runs_before(root: Path, version: tuple[int, int]) -> bool:
    """Whether the project says it supports a Python older than ``version`` (False when it does
    not say which Python it runs on)."""
    lowest, _ = lowest_python(root)
    return lowest is not None and lowest.release[:2] < version


def _lower(text: str) -> Version | None:
    # (packaging is imported here: most runs never ask, and its import costs a scan's start-up)
    from packaging.specifiers import InvalidSpecifier, SpecifierSet
    from packaging.version import Version

    try:
        specifier = SpecifierSet(text.replace(" ", ""))
    except InvalidSpecifier:
        return None
    bounds = [
        Version(spec.version.replace(".*", ""))
        for spec in specifier
        if spec.operator in (">=", "==", "~=", ">") and "*" not in spec.version[:-2]
    ]
    return min(bounds) if bounds else None
