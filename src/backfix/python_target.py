"""The lowest Python a project supports, from what it declares (``requires-python``, ruff's
``target-version``, Poetry's ``python`` dependency, ``python_requires`` in ``setup.cfg``): what the
code a codemod writes into it must run on."""

from __future__ import annotations

import configparser
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backfix.config import tomllib

if TYPE_CHECKING:
    from packaging.version import Version

_RUFF_TARGET = re.compile(r"py3(\d+)")


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
    return (_lower(value), "python_requires in setup.cfg") if value else (None, "")


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
