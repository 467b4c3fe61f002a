"""Whether a project runs a static type checker (mypy, pyright, basedpyright) on its code.

A rewrite has forms that read the same but are typed differently (``session.scalar(...)`` is
``int | None`` where ``execute(...).scalar_one()`` is ``int``): a project that checks types gets
the form its checker accepts, one that does not the shorter, idiomatic one.
"""

from __future__ import annotations

import configparser
from pathlib import Path

from backfix.config import tomllib

#: files whose presence alone configures a checker
_CHECKER_FILES = ("mypy.ini", ".mypy.ini", "pyrightconfig.json")
#: ``[tool.<name>]`` sections of ``pyproject.toml`` that configure one
_PYPROJECT_TOOLS = ("mypy", "pyright", "basedpyright")
#: files that run a checker when it has no configuration of its own
_RUNNERS = (".pre-commit-config.yaml", "tox.ini", "noxfile.py", "Makefile")
_CHECKER_WORDS = (b"mypy", b"pyright")


def type_checked(folders: list[Path]) -> bool:
    """Whether one of ``folders`` (a project's root and the folder its dependencies are
    declared in) configures or runs a type checker."""
    return any(_configures(folder) for folder in dict.fromkeys(folders))


def _configures(folder: Path) -> bool:
    if any((folder / name).is_file() for name in _CHECKER_FILES):
        return True
    if _pyproject_tools(folder / "pyproject.toml") or _mypy_section(folder / "setup.cfg"):
        return True
    return any(_mentions_checker(folder / name) for name in _RUNNERS)


def _pyproject_tools(path: Path) -> bool:
    try:
        tools = tomllib.loads(path.read_text(encoding="utf-8")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return isinstance(tools, dict) and any(name in tools for name in _PYPROJECT_TOOLS)


def _mypy_section(path: Path) -> bool:
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return False
    return any(section == "mypy" or section.startswith("mypy-") for section in parser.sections())


def _mentions_checker(path: Path) -> bool:
    try:
        raw = path.read_bytes()
    except OSError:
        return False
    return any(word in raw for word in _CHECKER_WORDS)
