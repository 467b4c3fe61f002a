"""How a project formats code: the formatter settings nearest to a file (line length, formatter).

Codemods read the line length while they analyse and rewrite; :mod:`backfix.formatting`, which runs
the formatter over what ``apply`` changed, reads the rest. Kept apart from it so that a scan does not
import the formatter's machinery.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from backfix.lint_settings import DEFAULT_LINE_LENGTH, lint_line_length

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

#: ruff's option that keeps each string's quotes as written
PRESERVE_QUOTES = ("--config", "format.quote-style = 'preserve'")
#: comments that govern their line rather than describe it; ruff leaves them out of the width.
PRAGMA_COMMENT = re.compile(r"#\s*(noqa\b|type:|pyright:|pylint:|mypy:|nosec\b|ruff:|isort:)")
_PRECOMMIT_HOOK = re.compile(r"^\s*-?\s*id:\s*['\"]?(ruff-format|black)\b", re.MULTILINE)
#: where the next hook or repository of a pre-commit configuration starts
_NEXT_HOOK = re.compile(r"^\s*-\s*(?:id|repo):", re.MULTILINE)
#: a line length among a hook's ``args`` (``--line-length=120``, ``--line-length 120``, ``-l 120``)
_HOOK_LINE_LENGTH = re.compile(r"(?:--line-length|(?<![\w-])-l)['\"]?\s*[=,]?\s*['\"]?(\d+)")
#: a command line of tox or make that runs a formatter (``black --check .``, ``python -m black``,
#: ``ruff format``, through a runner: ``uv run``, ``uv tool run``, ``uvx``, ``pipx run``...), or
#: nox's ``session.run("black", ...)``; the rest of the line follows
_RUNNER_COMMAND = re.compile(
    r"""^[ \t]*(?:[-@][ \t]*)?"""
    r"""(?:(?:(?:poetry|uv|pdm|hatch|rye|pipenv)[ \t]+run|uv[ \t]+tool[ \t]+run|uvx|pipx[ \t]+run)"""
    r"""[ \t]+)?(?:\S*python3?[ \t]+-m[ \t]+)?"""
    r"""(black|ruff(?:@\S+)?[ \t]+format)\b(?![-.])(.*)$"""
    r"""|session\.run\(\s*['"](black|ruff['"],\s*['"]format)['"](.*)$""",
    re.MULTILINE,
)
#: files whose commands a project runs its checks with, when no pre-commit hook formats
_RUNNERS = ("tox.ini", "noxfile.py", "Makefile")
#: a GitHub workflow's step that runs a formatter: black's own action (``uses: psf/black@stable``),
#: or a ``run:`` line (``run: black --check .``; a ``run: |`` block's lines are plain commands)
_WORKFLOW_STEP = re.compile(
    r"^[ \t]*-?[ \t]*(?:uses:[ \t]*psf/black@\S*|run:[ \t]*)(.*)$", re.MULTILINE
)
#: where the next step of a workflow's job starts (``- name:``, ``- uses:``)
_NEXT_STEP = re.compile(r"^[ \t]*-[ \t]+\w+:", re.MULTILINE)


@dataclass(frozen=True)
class FormatterSettings:
    """How the project formats code, from the configuration nearest to a file.

    ``formatter`` is ``"ruff"`` or ``"black"`` when the project declares one, else ``""``;
    ``ruff_args`` make ``ruff format`` follow a black configuration (ruff reads its own by itself).
    """

    line_length: int = DEFAULT_LINE_LENGTH
    formatter: str = ""
    config: str = ""
    ruff_args: tuple[str, ...] = ()


def settings_for(path: str | Path) -> FormatterSettings:
    """The formatter settings that apply to ``path`` (a file, or a folder of the project).

    Like ruff, the nearest folder with a ``.ruff.toml``, ``ruff.toml`` or a ``pyproject.toml`` with a
    ``[tool.ruff]`` or ``[tool.black]`` table decides; ruff's ``extend`` is followed.
    """
    return _settings_in(_folder_of(path))


def _folder_of(path: str | Path) -> Path:
    """``path``'s folder (``path`` itself when it is one), resolved."""
    folder = Path(path)
    if folder.suffix in (".py", ".pyi") or folder.is_file():
        folder = folder.parent
    return folder.resolve()


def line_length_for(path: str | Path | None) -> int:
    """The project's line length at ``path``: its formatter's, else its linter's (flake8,
    pycodestyle), else 79 when none of its lines is longer, else 88 (ruff's and black's default)."""
    return DEFAULT_LINE_LENGTH if path is None else settings_for(path).line_length


@functools.lru_cache(maxsize=512)
def _settings_in(folder: Path) -> FormatterSettings:
    settings = None
    for directory in (folder, *folder.parents):
        settings = _settings_of_folder(directory)
        if settings is not None:
            break
    hook, hook_length = (
        ("", None) if settings is not None and settings.formatter else _precommit_formatter(folder)
    )
    if not hook and not (settings is not None and settings.formatter):
        hook, hook_length = _runner_formatter(folder)
    if settings is None and not hook:
        # No formatter configured: the line length the project's linter checks, or its code keeps.
        length = lint_line_length(folder)
        args = ("--line-length", str(length)) if length != DEFAULT_LINE_LENGTH else ()
        return FormatterSettings(length, ruff_args=args)
    settings = settings or FormatterSettings()
    if hook_length is not None:
        settings = replace(settings, line_length=hook_length)
    if hook:
        explicit = hook == "black" or hook_length is not None
        args = ("--line-length", str(settings.line_length)) if explicit else ()
        settings = replace(settings, formatter=hook, ruff_args=args)
    return settings


def read_toml(path: Path) -> dict[str, Any]:
    """The TOML file at ``path``; empty when it is missing, unreadable or not TOML."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return {}
    return data


def ruff_table(path: Path) -> dict[str, Any]:
    """Ruff's settings in ``path`` (a ruff.toml or pyproject.toml), over those it ``extend``s."""
    data = read_toml(path)
    table = data if path.name != "pyproject.toml" else data.get("tool", {}).get("ruff", {})
    if not isinstance(table, dict):
        return {}
    parent = table.get("extend")
    if not isinstance(parent, str):
        return table
    base_path = (path.parent / Path(parent).expanduser()).resolve()
    if base_path == path.resolve() or not base_path.is_file():
        return table
    merged = dict(ruff_table(base_path))
    for key, value in table.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            value = {**merged[key], **value}
        merged[key] = value
    return merged


def ruff_config_file(directory: Path) -> Path | None:
    """The file in ``directory`` that configures ruff (``.ruff.toml``, ``ruff.toml``, or a
    ``pyproject.toml`` with a ``[tool.ruff]`` table, in ruff's order), if any."""
    for name in (".ruff.toml", "ruff.toml"):
        if (directory / name).is_file():
            return directory / name
    pyproject = directory / "pyproject.toml"
    tool = read_toml(pyproject).get("tool", {}) if pyproject.is_file() else {}
    return pyproject if isinstance(tool, dict) and isinstance(tool.get("ruff"), dict) else None


def _settings_of_folder(directory: Path) -> FormatterSettings | None:
    pyproject = directory / "pyproject.toml"
    tool = read_toml(pyproject).get("tool", {}) if pyproject.is_file() else {}
    black = tool.get("black")
    ruff_file = ruff_config_file(directory)
    if ruff_file is None and not isinstance(black, dict):
        return None
    ruff = ruff_table(ruff_file) if ruff_file is not None else {}
    if isinstance(black, dict) and not isinstance(ruff.get("format"), dict):
        return _black_settings(black, pyproject)
    length = ruff.get("line-length", DEFAULT_LINE_LENGTH)
    return FormatterSettings(
        line_length=length if isinstance(length, int) else DEFAULT_LINE_LENGTH,
        formatter="ruff" if isinstance(ruff.get("format"), dict) else "",
        config=str(ruff_file),
    )


def _black_settings(black: dict[str, Any], pyproject: Path) -> FormatterSettings:
    """Black's configuration, and the ruff options that format like it."""
    length = black.get("line-length", DEFAULT_LINE_LENGTH)
    length = length if isinstance(length, int) else DEFAULT_LINE_LENGTH
    args = ["--line-length", str(length)]
    if black.get("skip-string-normalization") or black.get("skip_string_normalization"):
        args += PRESERVE_QUOTES
    if black.get("skip-magic-trailing-comma") or black.get("skip_magic_trailing_comma"):
        args += ["--config", "format.skip-magic-trailing-comma = true"]
    return FormatterSettings(length, "black", str(pyproject), tuple(args))


def _precommit_formatter(folder: Path) -> tuple[str, int | None]:
    """``ruff-format``→``"ruff"`` or ``black`` when the repository's pre-commit hooks run one, with
    the line length the hook's ``args`` give (``--line-length=120``), if any."""
    text = precommit_config(folder)
    match = _PRECOMMIT_HOOK.search(text)
    if match is None:
        return "", None
    hook = _NEXT_HOOK.split(text[match.end() :], maxsplit=1)[0]
    length = _HOOK_LINE_LENGTH.search(hook)
    name = "ruff" if match.group(1) == "ruff-format" else "black"
    return name, int(length.group(1)) if length else None


def _runner_formatter(folder: Path) -> tuple[str, int | None]:
    """``black`` or ``"ruff"`` when the nearest ``tox.ini``, ``noxfile.py`` or ``Makefile`` (at or
    above ``folder``, within its repository) runs that formatter, with the line length its
    command gives (``black -l 100 .``), if any."""
    for directory in within_repository(folder):
        for runner in runner_files(directory):
            try:
                text = runner.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                continue
            workflow = runner.suffix in {".yml", ".yaml"}
            found = _workflow_formatter(text) if workflow else _runner_command(text)
            if found is not None:
                return found
    return "", None


def runner_files(directory: Path) -> list[Path]:
    """The files of ``directory`` that may run a formatter or a linter: tox, nox, make, GitHub
    workflows."""
    files = [directory / name for name in _RUNNERS]
    workflows = directory / ".github" / "workflows"
    if workflows.is_dir():
        files += sorted(workflows.glob("*.y*ml"))
    return files


def _runner_command(text: str) -> tuple[str, int | None] | None:
    """The formatter a command line of ``text`` runs, with the line length it gives, if any."""
    match = _RUNNER_COMMAND.search(text)
    if match is None:
        return None
    tool = match.group(1) or match.group(3)
    length = _HOOK_LINE_LENGTH.search(match.group(2) or match.group(4) or "")
    return "black" if tool == "black" else "ruff", int(length.group(1)) if length else None


def _workflow_formatter(text: str) -> tuple[str, int | None] | None:
    """The formatter a GitHub workflow runs: black's action (its ``options`` may give a line
    length), or a formatter command in a ``run:`` step."""
    for match in _WORKFLOW_STEP.finditer(text):
        rest = text[match.end() :]
        following = _NEXT_STEP.search(rest)
        body = match.group(1) + (rest[: following.start()] if following else rest)
        if "psf/black@" in match.group(0):
            length = _HOOK_LINE_LENGTH.search(body)
            return "black", int(length.group(1)) if length else None
        found = _runner_command(body)
        if found is not None:
            return found
    return None


def within_repository(folder: Path) -> Iterator[Path]:
    """``folder`` and the folders above it, up to the root of its repository (the folder that
    holds ``.git``), or to the file system's root outside one."""
    for directory in (folder, *folder.parents):
        yield directory
        if (directory / ".git").exists():
            return


def precommit_config(folder: Path) -> str:
    """The ``.pre-commit-config.yaml`` that pre-commit runs for ``folder`` ("" when there is none,
    or it cannot be read): the one at the root of its repository, the only one pre-commit reads
    (a subproject's own, left from before it joined a monorepo, runs nothing); outside a
    repository, the nearest at or above ``folder``."""
    folders = list(within_repository(folder))
    if (folders[-1] / ".git").exists():
        folders = folders[-1:]
    for directory in folders:
        config = directory / ".pre-commit-config.yaml"
        if config.is_file():
            try:
                return config.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                return ""
    return ""


def runs_black(path: str | Path) -> bool:
    """True when the project formats ``path`` with black: its settings declare black, and its
    pre-commit hooks do not run ``ruff-format`` instead (a ``[tool.black]`` table left beside a
    ``ruff-format`` hook and no ``black`` hook is not what formats the code)."""
    return _runs_black_in(_folder_of(path))


@functools.lru_cache(maxsize=512)
def _runs_black_in(folder: Path) -> bool:
    if _settings_in(folder).formatter != "black":
        return False
    hooks = {match.group(1) for match in _PRECOMMIT_HOOK.finditer(precommit_config(folder))}
    return "ruff-format" not in hooks or "black" in hooks
