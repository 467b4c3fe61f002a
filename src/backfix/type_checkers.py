"""Whether a project runs a static type checker (mypy, pyright, basedpyright, ty) on its code.

A rewrite has forms that read the same but are typed differently (``session.scalar(...)`` is
``int | None`` where ``execute(...).scalar_one()`` is ``int``): a project that checks types gets
the form its checker accepts, one that does not the shorter, idiomatic one.
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Iterable
from pathlib import Path

from backfix.config import tomllib
from backfix.format_settings import read_toml
from backfix.lint_settings import lint_config

#: files whose presence alone configures a checker
_CHECKER_FILES = ("mypy.ini", ".mypy.ini", "pyrightconfig.json", "ty.toml")
#: ``[tool.<name>]`` sections of ``pyproject.toml`` that configure one
_PYPROJECT_TOOLS = ("mypy", "pyright", "basedpyright", "ty")
#: checkers that read every function, annotated or not, and their files and sections
_READS_ALL_FILES = ("pyrightconfig.json", "ty.toml")
_READS_ALL_TOOLS = ("pyright", "basedpyright", "ty")
#: files that run a checker when it has no configuration of its own
_RUNNERS = (".pre-commit-config.yaml", "tox.ini", "noxfile.py", "Makefile")
#: a checker run in one of them: mypy, pyright, or ty's ``ty check`` (also as the arguments
#: ``["ty", "check"]`` of a pre-commit hook); "ty" alone is too short a word to tell
_CHECKER_RUN = re.compile(rb"mypy|pyright|(?<![\w.-])ty(?:\s+|[\"']\s*,\s*[\"'])check\b")
#: mypy options under which it checks the bodies of functions without annotations
_MYPY_CHECKS_ALL = ("check_untyped_defs", "strict")
#: the files mypy reads its configuration from, in the order it looks for them
MYPY_FILES = ("mypy.ini", ".mypy.ini", "pyproject.toml", "setup.cfg")


def type_checked(folders: list[Path]) -> bool:
    """Whether one of ``folders`` (a project's root and the folder its dependencies are
    declared in) configures or runs a type checker."""
    return any(_configures(folder) for folder in dict.fromkeys(folders))


def checks_unannotated(folders: list[Path]) -> bool:
    """Whether one of ``folders`` configures a checker that also checks functions without
    annotations: pyright, basedpyright and ty always do, mypy under ``check_untyped_defs`` or
    ``strict``."""
    return any(_checks_unannotated(folder) for folder in dict.fromkeys(folders))


def _checks_unannotated(folder: Path) -> bool:
    if any((folder / name).is_file() for name in _READS_ALL_FILES):
        return True
    tools = read_toml(folder / "pyproject.toml").get("tool", {})
    if not isinstance(tools, dict):
        return False
    if any(name in tools for name in _READS_ALL_TOOLS):
        return True
    return any(mypy_options(name, raw, _MYPY_CHECKS_ALL) for name, raw in _mypy_files(folder))


def _mypy_files(folder: Path) -> Iterable[tuple[str, bytes]]:
    """Name and bytes of each of mypy's configuration files in ``folder``."""
    for name in MYPY_FILES:
        try:
            yield name, (folder / name).read_bytes()
        except OSError:
            continue


def mypy_options(name: str, raw: bytes, options: Iterable[str]) -> frozenset[str] | None:
    """The ``options`` a mypy configuration file (``name``, one of ``MYPY_FILES``, whose bytes
    are ``raw``) turns on; None when it configures no mypy."""
    text = raw.decode("utf-8", errors="replace")
    if name == "pyproject.toml":
        try:
            section = tomllib.loads(text).get("tool", {}).get("mypy")
        except tomllib.TOMLDecodeError:
            return None
        if not isinstance(section, dict):
            return None
        return frozenset(option for option in options if section.get(option) is True)
    parser = configparser.ConfigParser()
    try:
        parser.read_string(text)
    except configparser.Error:
        return None
    if not parser.has_section("mypy"):
        return None
    return frozenset(o for o in options if parser.getboolean("mypy", o, fallback=False))


def mypy_plugins(folders: list[Path]) -> frozenset[str]:
    """The plugins the mypy configuration of one of ``folders`` loads (``sqlmypy``,
    ``pydantic.mypy``)."""
    found: set[str] = set()
    for folder in dict.fromkeys(folders):
        for name, raw in _mypy_files(folder):
            found.update(_plugins(name, raw.decode("utf-8", errors="replace")))
    return frozenset(found)


def _plugins(name: str, text: str) -> list[str]:
    """The ``plugins`` of one mypy configuration file (``name``, one of ``MYPY_FILES``)."""
    if name == "pyproject.toml":
        try:
            section = tomllib.loads(text).get("tool", {}).get("mypy")
        except tomllib.TOMLDecodeError:
            return []
        value = section.get("plugins") if isinstance(section, dict) else None
        listed = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    else:
        parser = configparser.ConfigParser()
        try:
            parser.read_string(text)
        except configparser.Error:
            return []
        listed = [parser.get("mypy", "plugins", fallback="")]
    return [part.strip() for item in listed for part in str(item).split(",") if part.strip()]


def _configures(folder: Path) -> bool:
    if any((folder / name).is_file() for name in _CHECKER_FILES):
        return True
    if _pyproject_tools(folder / "pyproject.toml") or _mypy_section(folder / "setup.cfg"):
        return True
    return any(_mentions_checker(folder / name) for name in _RUNNERS)


def _pyproject_tools(path: Path) -> bool:
    tools = read_toml(path).get("tool", {})
    return isinstance(tools, dict) and any(name in tools for name in _PYPROJECT_TOOLS)


def _mypy_section(path: Path) -> bool:
    parser = lint_config(path)
    sections = parser.sections() if parser is not None else []
    return any(section == "mypy" or section.startswith("mypy-") for section in sections)


def _mentions_checker(path: Path) -> bool:
    try:
        raw = path.read_bytes()
    except OSError:
        return False
    return _CHECKER_RUN.search(raw) is not None
