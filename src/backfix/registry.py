"""Finds codemods: every module in ``codemods/`` and every ``backfix.codemods`` entry point.

The ids come from the module and entry-point names, so listing them imports nothing; a codemod's
module is imported when its class is first asked for (:func:`get_codemod`), so that a run of one
codemod does not pay for importing the others.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Callable, Iterator, Mapping
from functools import cache, partial
from importlib.metadata import EntryPoint, entry_points

from backfix import builtin_codemods
from backfix.codemod import Codemod, ConfigError
from backfix.loading import long_lived

ENTRY_POINT_GROUP = "backfix.codemods"


def module_to_id(module_name: str) -> str:
    """``move_commits`` → ``move-commits``."""
    return module_name.rsplit(".", 1)[-1].replace("_", "-")


def _codemod_class_of(module_name: str) -> type[Codemod]:
    with long_lived():
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


def _plugin_class(entry: EntryPoint) -> type[Codemod]:
    cls = entry.load()
    if not (inspect.isclass(cls) and issubclass(cls, Codemod)):
        raise ConfigError(f"entry point {entry.name!r} does not name a Codemod subclass")
    return cls


@cache
def _loaders() -> dict[str, Callable[[], type[Codemod]]]:
    """Codemod id → what imports its class; built-ins first, then plug-ins; sorted by id."""
    found: dict[str, Callable[[], type[Codemod]]] = {}
    prefix = builtin_codemods.__name__ + "."
    for info in pkgutil.iter_modules(builtin_codemods.__path__, prefix):
        if info.name.rsplit(".", 1)[-1].startswith("_"):
            continue
        found[module_to_id(info.name)] = partial(_codemod_class_of, info.name)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        codemod_id = entry.name.replace("_", "-")
        if codemod_id in found:
            raise ConfigError(f"codemod id {codemod_id!r} is defined twice")
        found[codemod_id] = partial(_plugin_class, entry)
    return dict(sorted(found.items()))


def codemod_ids() -> list[str]:
    """Every codemod id, sorted, without importing any codemod."""
    return list(_loaders())


@cache
def _load(codemod_id: str) -> type[Codemod]:
    cls = _loaders()[codemod_id]()
    cls.ID = codemod_id
    return cls


def all_codemods() -> dict[str, type[Codemod]]:
    """Codemod id → class, built-ins first, then plug-ins; sorted by id. Imports every codemod."""
    return {codemod_id: _load(codemod_id) for codemod_id in _loaders()}


class _Registered(Mapping[str, type[Codemod]]):
    """Codemod id → class, importing a codemod's module when its class is looked up."""

    def __getitem__(self, codemod_id: str) -> type[Codemod]:
        if codemod_id not in _loaders():
            raise KeyError(codemod_id)
        return _load(codemod_id)

    def __iter__(self) -> Iterator[str]:
        return iter(_loaders())

    def __len__(self) -> int:
        return len(_loaders())


def registered() -> Mapping[str, type[Codemod]]:
    """Every codemod by id, like :func:`all_codemods`, but a class is imported when looked up."""
    return _Registered()


def clear_cache() -> None:
    """Forget the codemods found so far (tests that install a plug-in)."""
    _loaders.cache_clear()
    _load.cache_clear()


def get_codemod(codemod_id: str) -> type[Codemod]:
    """The class of one codemod, importing only its module; accepts the snake_case spelling too."""
    key = codemod_id.replace("_", "-")
    if key not in _loaders():
        raise ConfigError(
            f"unknown codemod {codemod_id!r}; available: {', '.join(_loaders()) or 'none'}"
        )
    return _load(key)
