"""Finds codemods: every module in ``codemods/`` and every ``backfix.codemods`` entry point."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from functools import cache
from importlib.metadata import entry_points

from backfix import builtin_codemods
from backfix.codemod import Codemod, ConfigError

ENTRY_POINT_GROUP = "backfix.codemods"


def module_to_id(module_name: str) -> str:
    """``move_commits`` → ``move-commits``."""
    return module_name.rsplit(".", 1)[-1].replace("_", "-")


def _codemod_class_of(module_name: str) -> type[Codemod]:
    module = importlib.import_module(module_name)
    found = [
        obj
        for obj in vars(module).values()
        if inspect.isclass(obj)
        and issubclass(obj, Codemod)
        and obj is not Codemod
        and obj.__module__ == module.__name__
    ]
    if len(found) != 1:
        raise ConfigError(
            f"{module_name} must define exactly one Codemod subclass, found {len(found)}"
        )
    return found[0]


@cache
def all_codemods() -> dict[str, type[Codemod]]:
    """Codemod id → class, built-ins first, then plug-ins; sorted by id."""
    found: dict[str, type[Codemod]] = {}
    prefix = builtin_codemods.__name__ + "."
    for info in pkgutil.iter_modules(builtin_codemods.__path__, prefix):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        cls = _codemod_class_of(info.name)
        cls.ID = module_to_id(info.name)
        found[cls.ID] = cls
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        cls = entry.load()
        if not (inspect.isclass(cls) and issubclass(cls, Codemod)):
            raise ConfigError(f"entry point {entry.name!r} does not name a Codemod subclass")
        codemod_id = entry.name.replace("_", "-")
        if codemod_id in found:
            raise ConfigError(f"codemod id {codemod_id!r} is defined twice")
        cls.ID = codemod_id
        found[codemod_id] = cls
    return dict(sorted(found.items()))


def get_codemod(codemod_id: str) -> type[Codemod]:
    """The class of one codemod; accepts the snake_case spelling too."""
    codemods = all_codemods()
    key = codemod_id.replace("_", "-")
    if key not in codemods:
        raise ConfigError(
            f"unknown codemod {codemod_id!r}; available: {', '.join(codemods) or 'none'}"
        )
    return codemods[key]
