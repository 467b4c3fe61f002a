"""``[tool.backfix]`` in the target project's ``pyproject.toml``, merged with CLI flags.

Global keys: ``exclude`` (list of globs), ``jobs`` (int), ``format`` (bool: format the changed lines
with ruff; unset means where the project uses a formatter, see backfix.formatting), ``versions``
(table: library versions the project runs on, e.g. ``sqlalchemy = "1.4.52"``, when they cannot be
read from its files), ``verify_command`` (str: the test command ``apply`` runs before and after
rewriting, see backfix.verify). Each codemod reads its options from ``[tool.backfix.<codemod-id>]``; a
top-level key that a codemod declares as an option (``session_names``,
``route_paths``, ...) applies to every codemod that declares it.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backfix.codemod import Codemod, ConfigError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib  # type: ignore[import-not-found,unused-ignore]

__all__ = ["Config", "ConfigError", "check_keys", "find_config", "load_config", "tomllib"]

GLOBAL_KEYS = {
    "exclude": list,
    "jobs": int,
    "templates": str,
    "format": bool,
    "versions": dict,
    "verify_command": str,
}
#: global keys read elsewhere: ``cache`` (bool, see backfix.cache) and ``rank`` (next targets).
OTHER_KEYS = ("cache", "rank")


@dataclass(frozen=True)
class Config:
    """The project's backfix configuration; ``base`` is the folder of the pyproject.toml it came from."""

    root: Path
    table: Mapping[str, Any] = field(default_factory=dict)
    base: Path | None = None

    @property
    def exclude(self) -> list[str]:
        """Globs of paths never discovered, relative to the repository root.

        The file's globs are relative to its own folder: in ``sub/pyproject.toml``, ``tests`` means
        any ``tests`` folder under ``sub/`` and ``gen/*.py`` means ``sub/gen/*.py``.
        """
        globs = [str(glob).strip("/") for glob in self.table.get("exclude", [])]
        prefix = "" if self.base is None else self.base.relative_to(self.root).as_posix()
        if prefix in ("", "."):
            return globs
        anchored: list[str] = []
        for glob in globs:
            if "/" in glob:
                anchored.append(f"{prefix}/{glob}")
            else:
                anchored += [f"{prefix}/{glob}", f"{prefix}/*/{glob}"]
        return anchored

    @property
    def jobs(self) -> int | None:
        """Default worker count, when configured."""
        value = self.table.get("jobs")
        return int(value) if value is not None else None

    def options_for(self, cls: type[Codemod]) -> dict[str, Any]:
        """The options of one codemod: its declared top-level keys, then its own table."""
        options: dict[str, Any] = {}
        for key, value in self.table.items():
            name = key.replace("-", "_")
            if name in cls.option_names() and not isinstance(value, dict):
                options[name] = value
        own = self.table.get(cls.ID, self.table.get(cls.ID.replace("-", "_"), {}))
        if not isinstance(own, dict):
            raise ConfigError(f"[tool.backfix.{cls.ID}] must be a table")
        options.update({key.replace("-", "_"): value for key, value in own.items()})
        return options


def check_keys(config: Config, codemods: Mapping[str, type[Codemod]]) -> None:
    """Raise ConfigError for a key or table of ``[tool.backfix]`` that nothing reads.

    A misspelt key would otherwise be ignored without a word, and the run would use the default.
    ``codemods`` may import a codemod when its class is looked up: this looks up only the codemods
    whose table the configuration has, and all of them only for a top-level key that is not global.
    """
    where = f"{config.base / 'pyproject.toml'}: " if config.base is not None else ""
    for key, value in config.table.items():
        if isinstance(value, dict) and key not in GLOBAL_KEYS:  # `versions` is a global table
            _check_table(where, key, value, codemods)
        elif key.replace("-", "_") not in {*GLOBAL_KEYS, *OTHER_KEYS}:
            options = {name for cls in codemods.values() for name in cls.option_names()}
            valid = sorted({*GLOBAL_KEYS, *OTHER_KEYS, *options})
            if key.replace("-", "_") not in valid:
                raise ConfigError(
                    f"{where}unknown key {key!r} in [tool.backfix] (valid: {', '.join(valid)}; "
                    "codemod options also go in [tool.backfix.<codemod-id>])"
                )


def _check_table(
    where: str, key: str, table: Mapping[str, Any], codemods: Mapping[str, type[Codemod]]
) -> None:
    """``[tool.backfix.<key>]`` must name a codemod, and its keys that codemod's options."""
    codemod_id = key.replace("_", "-")
    if codemod_id not in codemods or key not in (codemod_id, codemod_id.replace("-", "_")):
        raise ConfigError(
            f"{where}unknown table [tool.backfix.{key}] (codemod tables: "
            f"{', '.join(sorted(codemods))})"
        )
    cls = codemods[codemod_id]
    for option in table:
        if option.replace("-", "_") not in cls.option_names():
            raise ConfigError(
                f"{where}unknown key {option!r} in [tool.backfix.{key}] (valid: "
                f"{', '.join(sorted(cls.option_names())) or 'none'})"
            )


def find_config(root: Path, start: Path) -> Config:
    """The nearest ``pyproject.toml`` with a ``[tool.backfix]`` table from ``start`` up to ``root``.

    A project nested in a bigger repository (a monorepo, or the example inside backfix's own
    checkout) is configured by its own file, as ruff and black do it.
    """
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    while True:
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and _has_backfix_table(candidate):
            return load_config(root, candidate)
        if folder == root or root not in folder.parents:
            return load_config(root)
        folder = folder.parent


def _has_backfix_table(pyproject: Path) -> bool:
    try:
        return b"[tool.backfix" in pyproject.read_bytes()
    except OSError:
        return False


def load_config(root: Path, pyproject: Path | None = None) -> Config:
    """Read ``[tool.backfix]`` from ``pyproject`` (default ``root/pyproject.toml``).

    A missing file or table is an empty config.
    """
    pyproject = pyproject or root / "pyproject.toml"
    if not pyproject.is_file():
        return Config(root=root)
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{pyproject}: {exc}") from None
    table = data.get("tool", {}).get("backfix", {})
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.backfix] must be a table")
    for key, expected in GLOBAL_KEYS.items():
        if key in table and not isinstance(table[key], expected):
            raise ConfigError(f"{pyproject}: tool.backfix.{key} must be a {expected.__name__}")
    return Config(root=root, table=table, base=pyproject.parent.resolve())
