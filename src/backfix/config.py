"""``[tool.backfix]`` in the target project's ``pyproject.toml``, merged with CLI flags.

Global keys: ``exclude`` (list of globs), ``jobs`` (int). Each codemod reads its options from
``[tool.backfix.<codemod-id>]``; a top-level key that a codemod declares as an option (``session_names``,
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

__all__ = ["Config", "ConfigError", "load_config", "tomllib"]

GLOBAL_KEYS = {"exclude": list, "jobs": int, "templates": str}


@dataclass(frozen=True)
class Config:
    """The project's backfix configuration."""

    root: Path
    table: Mapping[str, Any] = field(default_factory=dict)

    @property
    def exclude(self) -> list[str]:
        """Globs of paths never discovered."""
        return [str(glob) for glob in self.table.get("exclude", [])]

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
            if name in cls.DEFAULTS and not isinstance(value, dict):
                options[name] = value
        own = self.table.get(cls.ID, self.table.get(cls.ID.replace("-", "_"), {}))
        if not isinstance(own, dict):
            raise ConfigError(f"[tool.backfix.{cls.ID}] must be a table")
        options.update({key.replace("-", "_"): value for key, value in own.items()})
        return options


def load_config(root: Path) -> Config:
    """Read ``[tool.backfix]`` from ``root/pyproject.toml``; a missing file or table is an empty config."""
    pyproject = root / "pyproject.toml"
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
    return Config(root=root, table=table)
