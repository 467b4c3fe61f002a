"""The line length of a project that configures no formatter: what its linter checks, or its code keeps.

flake8 and pycodestyle read ``max-line-length`` from ``.flake8``, ``setup.cfg``, ``tox.ini`` (or a
``.pycodestyle`` passed with ``--config``); a
project that configures neither is checked at PEP 8's 79 columns by both. Such a project whose lines
fit in 79 columns (but for a rare one no tool can split), many of them coming close to it, gets 79
(shorter lines never break a longer limit); one with many lines past 88 columns that keep to 100,
110 or 120 gets that; any other gets 88, ruff's and black's default. Migrations are not counted:
Alembic writes them in its own style.
"""

from __future__ import annotations

import configparser
import functools
import os
from pathlib import Path

PEP8_LINE_LENGTH = 79
DEFAULT_LINE_LENGTH = 88

#: files flake8 and pycodestyle read their options from (``.pycodestyle`` by ``--config``), and
#: the sections they read
LINT_FILES = (".flake8", "setup.cfg", "tox.ini", ".pycodestyle")
LINT_SECTIONS = ("flake8", "pycodestyle", "pep8")
_OPTION_NAMES = ("max-line-length", "max_line_length")

#: folders that hold no code of the project's own, or code a tool wrote (Alembic's migrations)
_SKIPPED_FOLDERS = frozenset(
    {"node_modules", "site-packages", "__pycache__", "venv", "env", "build", "dist"}
    | {"migrations", "alembic"}
)
#: what marks a project's root: a repository, or the files a Python project is configured in
_ROOT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg")
#: how many files to read before taking the project's lines as kept to 79 columns
_MOST_FILES = 2000
#: a line this long comes close to 79 columns; a project with this many such lines and none
#: longer keeps to 79 on purpose (a small or sparse one could as well follow 88)
_NEAR = 72
_NEAR_THE_LIMIT = 10
#: a project kept to 79 may have one longer line per this many lines close to 79; one that
#: follows 88 has about as many lines of 80 to 88 columns as of 72 to 79
_NEAR_PER_LONGER = 20
#: the limits a project without a formatter that writes lines past 88 columns may keep to (its
#: editor's or linter's); generated code wraps where the project's own lines do
_WIDER_LIMITS = (100, 110, 120)


def lint_config(path: Path) -> configparser.RawConfigParser | None:
    """The configuration file at ``path`` as flake8 and pycodestyle read it; None when it cannot
    be read."""
    parser = configparser.RawConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, OSError, UnicodeDecodeError):
        return None
    return parser


def _configured_length(path: Path) -> int | None:
    """``max-line-length`` of the flake8 or pycodestyle section of ``path``, if set and valid."""
    parser = lint_config(path)
    if parser is None:
        return None
    for section in LINT_SECTIONS:
        for name in _OPTION_NAMES:
            value = parser.get(section, name, fallback="").strip()
            if value.isdigit() and int(value) > 0:
                return int(value)
    return None


def project_files(root: Path) -> list[Path]:
    """Up to ``_MOST_FILES`` Python files under ``root``, outside hidden and tool folders."""
    found: list[Path] = []
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(
            name for name in subfolders if not name.startswith(".") and name not in _SKIPPED_FOLDERS
        )
        found += (Path(folder) / name for name in sorted(files) if name.endswith(".py"))
        if len(found) >= _MOST_FILES:
            return found[:_MOST_FILES]
    return found


def _line_lengths(path: Path) -> list[int]:
    """The lengths of the lines of ``path``; none for a file that is mostly data (see
    :func:`_is_data`)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    lines = text.splitlines()
    return [] if _is_data(lines) else [len(line) for line in lines]


#: a file of more lines than this that are mostly one token each holds data, not code
_DATA_LINES = 1000


def _is_data(lines: list[str]) -> bool:
    """Whether ``lines`` are mostly one token each, a vendored script's embedded archive
    (``get-pip.py``): its thousands of lines cut at 79 columns say nothing of how the project
    lays out its code."""
    if len(lines) <= _DATA_LINES:
        return False
    single = sum(1 for line in lines if line.strip() and " " not in line.strip())
    return single * 2 > len(lines)


@functools.lru_cache(maxsize=64)
def observed_line_length(root: Path) -> int:
    """79 when the Python files of the project under ``root`` keep to 79 columns and come close
    to it (``_NEAR_THE_LIMIT`` lines of 72 to 79 columns); the wider limit of ``_WIDER_LIMITS``
    that its many lines past 88 columns keep to; else 88. A few longer lines do not count against
    a limit (at most one per ``_NEAR_PER_LONGER`` lines that come close to it): a URL or a string
    no tool can split, which a project checked at that limit marks ``# noqa`` rather than re-wrap."""
    lengths = [length for path in project_files(root) for length in _line_lengths(path)]
    if _kept_to(lengths, _NEAR, PEP8_LINE_LENGTH):
        return PEP8_LINE_LENGTH
    for limit in _WIDER_LIMITS:
        if _kept_to(lengths, DEFAULT_LINE_LENGTH + 1, limit):
            return limit
    return DEFAULT_LINE_LENGTH


def _kept_to(lengths: list[int], near: int, limit: int) -> bool:
    """Whether ``_NEAR_THE_LIMIT`` lines or more are ``near`` to ``limit`` columns long, and few
    are longer."""
    close = sum(1 for length in lengths if near <= length <= limit)
    longer = sum(1 for length in lengths if length > limit)
    return close >= _NEAR_THE_LIMIT and longer * _NEAR_PER_LONGER <= close


def lint_line_length(folder: Path) -> int:
    """The line length the project at ``folder`` keeps without a formatter: the nearest flake8 or
    pycodestyle ``max-line-length`` up to the project's root, else what its code keeps."""
    for directory in (folder, *folder.parents):
        for name in LINT_FILES:
            if (directory / name).is_file():
                length = _configured_length(directory / name)
                if length is not None:
                    return length
        if any((directory / marker).exists() for marker in _ROOT_MARKERS):
            return observed_line_length(directory)
    return observed_line_length(folder)
