"""Whether a project's linters require a docstring on a new public function or method.

A codemod that writes a new public definition (a service method, a client getter) into a project
whose CI runs pylint, ruff's pydocstyle rules or flake8-docstrings must give it a docstring, or the
pull request fails the project's own checks:

- pylint reports ``missing-function-docstring`` (C0116) by default: a project that configures or
  runs pylint needs one unless its ``disable`` list names the check, its old name
  ``missing-docstring`` (C0111), the convention category, or ``all``;
- ruff reports ``D102`` (public method) and ``D103`` (public function) where its ``select`` or
  ``extend-select`` names them, a prefix of them or ``ALL``, and a more specific ``ignore`` does
  not take them out again;
- flake8 reports them where the flake8-docstrings plugin is configured
  (``docstring-convention``) or installed by the pre-commit hooks, and ``ignore`` does not name
  them; pydocstyle where it is configured (also in its own ``.pydocstyle``/``.pydocstylerc`` files).

Each tool's nearest configuration above the new file counts, as the tool itself reads it.
"""

from __future__ import annotations

import configparser
import functools
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, Literal

from backfix.format_settings import precommit_config, read_toml, ruff_config_file, ruff_table
from backfix.lint_settings import lint_config

#: what a new definition is: its pydocstyle code (pylint's C0116 covers both)
Kind = Literal["method", "function"]
_CODES: dict[Kind, str] = {"method": "D102", "function": "D103"}

#: names in pylint's ``disable`` that turn C0116 off
_PYLINT_OFF = frozenset(
    {"missing-function-docstring", "c0116", "missing-docstring", "c0111", "c", "convention", "all"}
)
_PYLINT_FILES = ("pylintrc", ".pylintrc", "pylintrc.toml", ".pylintrc.toml")
_INI_FILES = ("setup.cfg", "tox.ini")
#: files that run a linter when it has no configuration of its own
_RUNNERS = (".pre-commit-config.yaml", "tox.ini", "noxfile.py", "Makefile")
#: the INI files flake8 (with flake8-docstrings) or pydocstyle read; pydocstyle's own names too
_DOCSTRING_LINT_FILES = (
    ".flake8",
    "setup.cfg",
    "tox.ini",
    ".pydocstyle",
    ".pydocstyle.ini",
    ".pydocstylerc",
    ".pydocstylerc.ini",
)
_LIST_SPLIT = re.compile(r"[\s,]+")


def requires_docstring(folder: Path, root: Path, kind: Kind) -> bool:
    """Whether a new public ``kind`` written in ``folder`` (inside the project at ``root``) must
    have a docstring for the project's linters."""
    return _requires(folder.resolve(), root.resolve(), kind)


@functools.lru_cache(maxsize=256)
def _requires(folder: Path, root: Path, kind: Kind) -> bool:
    folders = list(_up_to(folder, root))
    code = _CODES[kind]
    return (
        _pylint_requires(folders)
        or _ruff_requires(folders, code)
        or _flake8_requires(folders, code)
    )


def _up_to(folder: Path, root: Path) -> Iterator[Path]:
    """``folder`` and the folders above it, up to ``root`` (or to the file system's root when
    ``folder`` is not inside it)."""
    for directory in (folder, *folder.parents):
        yield directory
        if directory == root:
            return


# --- pylint ------------------------------------------------------------------------------------------


def _pylint_requires(folders: list[Path]) -> bool:
    for folder in folders:
        options = _pylint_options(folder)
        if options is not None:
            return _pylint_checks_docstrings(options)
    return any(_mentions(path, b"pylint") for folder in folders for path in _runner_files(folder))


def _runner_files(folder: Path) -> Iterator[Path]:
    """The files in ``folder`` that may run a linter: hooks, tox, nox, make, CI workflows."""
    yield from (folder / name for name in _RUNNERS)
    workflows = folder / ".github" / "workflows"
    if workflows.is_dir():
        yield from sorted(workflows.glob("*.y*ml"))


def _pylint_options(folder: Path) -> dict[str, str] | None:
    """Every option of the pylint configuration in ``folder`` (all sections together, as pylint
    reads them); None when the folder configures no pylint."""
    for name in _PYLINT_FILES:
        if (folder / name).is_file():
            if name.endswith(".toml"):
                return _toml_options(read_toml(folder / name).get("tool", {}).get("pylint"))
            # (a file pylint reads but this parser cannot still says pylint runs)
            return _ini_options(folder / name, lambda section: True) or {}
    tools = read_toml(folder / "pyproject.toml").get("tool", {})
    if isinstance(tools, dict) and isinstance(tools.get("pylint"), dict):
        return _toml_options(tools["pylint"])
    for name in _INI_FILES:
        options = _ini_options(folder / name, lambda section: section.startswith("pylint."))
        if options:
            return options
    return None


def _ini_options(path: Path, wanted: Callable[[str], bool]) -> dict[str, str] | None:
    parser = lint_config(path) if path.is_file() else None
    if parser is None:
        return None
    options: dict[str, str] = {}
    for section in parser.sections():
        if wanted(section.lower()):
            options.update(parser.items(section))
    return options


def _toml_options(table: object) -> dict[str, str]:
    """The options of a ``[tool.pylint.*]`` table and its sub-tables, lists joined by commas."""
    options: dict[str, str] = {}
    if not isinstance(table, dict):
        return options
    for key, value in table.items():
        if isinstance(value, dict):
            options.update(_toml_options(value))
        elif isinstance(value, list):
            options[key] = ",".join(str(item) for item in value)
        else:
            options[key] = str(value)
    return options


def _pylint_checks_docstrings(options: dict[str, str]) -> bool:
    disabled = _names(options.get("disable", ""))
    enabled = _names(options.get("enable", ""))
    if enabled & {"missing-function-docstring", "c0116"}:
        return True
    return not disabled & _PYLINT_OFF


def _names(value: str) -> set[str]:
    return {name.lower() for name in _LIST_SPLIT.split(value) if name}


# --- ruff --------------------------------------------------------------------------------------------


def ruff_reports(folder: Path, root: Path, code: str) -> bool:
    """Whether the ruff settings nearest above ``folder`` (inside the project at ``root``) turn
    the rule ``code`` on (``ANN401``, a signature's ``Any``): the same reading as for the
    docstring rules."""
    return _ruff_requires(list(_up_to(folder.resolve(), root.resolve())), code)


def _ruff_requires(folders: list[Path], code: str) -> bool:
    for folder in folders:
        config = ruff_config_file(folder)
        if config is not None:
            return _ruff_selects(ruff_table(config), code)
    return False


def _ruff_selects(table: dict[str, Any], code: str) -> bool:
    """Whether ruff's settings ``table`` turn ``code`` on: the most specific selector that names
    it is a ``select``, not an ``ignore`` (on a tie, ``ignore`` wins)."""
    lint = table.get("lint")
    lint = lint if isinstance(lint, dict) else {}

    def selectors(key: str) -> list[str]:
        found: list[str] = []
        for source in (table, lint):
            value = source.get(key)
            if isinstance(value, list):
                found += [str(item) for item in value]
        return found

    chosen = _specificity(selectors("select") + selectors("extend-select"), code)
    dropped = _specificity(selectors("ignore") + selectors("extend-ignore"), code)
    return chosen is not None and (dropped is None or dropped < chosen)


def _specificity(selectors: Iterable[str], code: str) -> int | None:
    """How many characters of ``code`` the most specific matching selector names (``ALL``: 0);
    None when none matches."""
    lengths = [
        0 if selector == "ALL" else len(selector)
        for selector in selectors
        if selector == "ALL" or _selects(selector, code)
    ]
    return max(lengths, default=None)


_RULE_CODE = re.compile(r"([A-Z]+)(\d*)")


def _selects(selector: str, code: str) -> bool:
    """Whether a ruff selector names ``code``: the same linter (``A`` is flake8-builtins, not
    ``ANN``; ``PL`` holds ``PLC``, ``PLE``, ``PLR``, ``PLW``) and a prefix of its number."""
    wanted, found = _RULE_CODE.fullmatch(selector), _RULE_CODE.fullmatch(code)
    if wanted is None or found is None:
        return False
    linter, number = wanted.groups()
    same = linter == found[1] or (linter == "PL" and found[1].startswith("PL"))
    return same and found[2].startswith(number)


# --- flake8-docstrings and pydocstyle ---------------------------------------------------------------


def _flake8_requires(folders: list[Path], code: str) -> bool:
    for folder in folders:
        for name in _DOCSTRING_LINT_FILES:
            parser = lint_config(folder / name) if (folder / name).is_file() else None
            if parser is None:
                continue
            for section in ("flake8", "pydocstyle"):
                if parser.has_section(section):
                    return _checks_code(parser, section, code, folder)
        tools = read_toml(folder / "pyproject.toml").get("tool", {})
        if isinstance(tools, dict) and isinstance(tools.get("pydocstyle"), dict):
            ignored = _names(_toml_options(tools["pydocstyle"]).get("ignore", ""))
            return not _prefix_of(ignored, code)
    return False


def _checks_code(
    parser: configparser.RawConfigParser, section: str, code: str, folder: Path
) -> bool:
    options = dict(parser.items(section))
    if (
        section == "flake8"
        and not ("docstring-convention" in options or "docstring_convention" in options)
        and "flake8-docstrings" not in precommit_config(folder)
    ):
        return False
    ignored = set()
    for key in ("ignore", "extend-ignore", "extend_ignore", "add-ignore", "add_ignore"):
        ignored |= _names(options.get(key, ""))
    selected = _names(options.get("select", "")) | _names(options.get("extend-select", ""))
    if selected and not _prefix_of(selected, code):
        return False
    return not _prefix_of(ignored, code)


def _prefix_of(names: set[str], code: str) -> bool:
    return any(code.lower().startswith(name) for name in names)


def _mentions(path: Path, word: bytes) -> bool:
    try:
        return word in path.read_bytes()
    except OSError:
        return False
