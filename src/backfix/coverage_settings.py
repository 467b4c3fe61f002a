"""Which of a project's files its coverage measurement leaves out.

coverage.py's ``omit`` patterns (``[run]`` or ``[report]`` in ``.coveragerc``, ``[coverage:run]``
or ``[coverage:report]`` in ``setup.cfg`` or ``tox.ini``, ``[tool.coverage.run]`` or
``[tool.coverage.report]`` in ``pyproject.toml``) and the ``--exclude``
patterns of a ``diff-cover`` command in ``tox.ini``, a ``Makefile``, ``noxfile.py`` or a GitHub
workflow. Code moved out of such a file into one the measurement covers would count as new,
untested code; a codemod that moves it keeps it unmeasured (``# pragma: no cover``).
"""

from __future__ import annotations

import fnmatch
import re
import shlex
from pathlib import Path

from backfix.format_settings import read_toml
from backfix.lint_settings import lint_config

#: configuration files and the sections of each that may hold coverage.py's ``omit``
_OMIT_SECTIONS = (
    (".coveragerc", ("run", "report")),
    ("setup.cfg", ("coverage:run", "coverage:report")),
    ("tox.ini", ("coverage:run", "coverage:report")),
)
#: files that may run ``diff-cover`` with ``--exclude``
_RUNNERS = ("tox.ini", "Makefile", "noxfile.py")
_DIFF_COVER = re.compile(r"diff-cover\b(?:\\\n|[^\n])*")


def unmeasured_patterns(root: Path) -> tuple[str, ...]:
    """The omit and exclude patterns the project at ``root`` configures."""
    return (*_omitted(root), *_diff_cover_excluded(root))


def unmeasured(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether ``path`` (relative to the project's root) matches one of ``patterns``: as a
    path, by its file name (``diff-cover --exclude debug.py``), or below any folder."""
    name = path.rsplit("/", 1)[-1]
    return any(
        fnmatch.fnmatch(path, pattern)
        or fnmatch.fnmatch(name, pattern)
        or fnmatch.fnmatch(path, f"*/{pattern}")
        for pattern in patterns
    )


def _omitted(root: Path) -> list[str]:
    patterns: list[str] = []
    for name, sections in _OMIT_SECTIONS:
        parser = lint_config(root / name) if (root / name).is_file() else None
        for section in sections if parser is not None else ():
            assert parser is not None
            if parser.has_option(section, "omit"):
                patterns += _lines(parser.get(section, "omit"))
    coverage = read_toml(root / "pyproject.toml").get("tool", {}).get("coverage", {})
    for part in ("run", "report"):
        table = coverage.get(part, {}) if isinstance(coverage, dict) else {}
        omit = table.get("omit", []) if isinstance(table, dict) else []
        patterns += [p for p in omit if isinstance(p, str)] if isinstance(omit, list) else []
    return patterns


def _diff_cover_excluded(root: Path) -> list[str]:
    runners = [root / name for name in _RUNNERS]
    workflows = root / ".github" / "workflows"
    if workflows.is_dir():
        runners += sorted(workflows.glob("*.y*ml"))
    patterns: list[str] = []
    for runner in runners:
        try:
            text = runner.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        for command in _DIFF_COVER.findall(text):
            patterns += _excludes(command.replace("\\\n", " "))
    return patterns


def _excludes(command: str) -> list[str]:
    """The patterns after ``--exclude`` in one ``diff-cover`` command line."""
    try:
        words = shlex.split(command, comments=True)
    except ValueError:
        return []
    found: list[str] = []
    taking = False
    for word in words:
        if word.startswith("--exclude="):
            found.append(word.split("=", 1)[1])
            taking = True
        elif word == "--exclude":
            taking = True
        elif word.startswith("-"):
            taking = False
        elif taking:
            found.append(word)
    return found


def _lines(value: str) -> list[str]:
    """The patterns of a multi-line or comma-separated configuration value."""
    return [p.strip() for line in value.splitlines() for p in line.split(",") if p.strip()]
