"""Command-line flags that codemods declare in their options dataclasses (``--mode``, ``--no-logging``).

The CLI does not know them: :func:`codemod_flag_options` adds one click option per flag some registered
codemod declares, and hands the command the flags given as ``codemod_flags`` (option name →
:class:`GivenFlag`). A flag that none of the selected codemods takes is an error (see
``backfix.runs.check_flags``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from backfix.codemod import ConfigError
from backfix.options import FlagSpec
from backfix.registry import all_codemods

R = TypeVar("R")


@dataclass(frozen=True)
class GivenFlag:
    """A codemod flag given on the command line: its spelling and the option value it sets."""

    flag: str
    value: Any


def declared_flags() -> list[FlagSpec]:
    """Every flag the registered codemods declare, once each, sorted by flag."""
    found: dict[str, FlagSpec] = {}
    for codemod_id, cls in all_codemods().items():
        for spec in cls.Options.flags():
            other = found.setdefault(spec.flag, spec)
            if (other.option, other.value, other.choices, other.is_path) != (
                spec.option,
                spec.value,
                spec.choices,
                spec.is_path,
            ):
                raise ConfigError(
                    f"{codemod_id} declares {spec.flag} differently from another codemod"
                )
    return [found[flag] for flag in sorted(found)]


def _param(spec: FlagSpec) -> str:
    return "codemod_flag_" + spec.flag.lstrip("-").replace("-", "_")


def _click_option(spec: FlagSpec) -> Callable[[Callable[..., R]], Callable[..., R]]:
    if spec.value is not None:
        return click.option(spec.flag, _param(spec), is_flag=True, default=False, help=spec.help)
    kind: Any = None  # a click.ParamType (generic in newer click)
    if spec.choices:
        kind = click.Choice(list(spec.choices))
    elif spec.is_path:
        kind = click.Path(path_type=Path, file_okay=False, exists=True)
    return click.option(spec.flag, _param(spec), type=kind, default=None, help=spec.help)


def _given(spec: FlagSpec, raw: Any) -> GivenFlag | None:
    if raw is None or raw is False:
        return None
    if spec.value is not None:
        return GivenFlag(spec.flag, spec.value)
    if spec.is_path:
        return GivenFlag(spec.flag, str(Path(raw).resolve()))
    return GivenFlag(spec.flag, raw)


def flag_values(flags: Mapping[str, GivenFlag]) -> dict[str, Any]:
    """Option name → value, for the codemods' options."""
    return {option: given.value for option, given in flags.items()}


def flag_names(flags: Mapping[str, GivenFlag]) -> dict[str, str | None]:
    """Option name → the flag that set it, for ``check_flags``."""
    return {option: given.flag for option, given in flags.items()}


def codemod_flag_options(command: Callable[..., R]) -> Callable[..., R]:
    """Add the codemods' flags to a click command, which receives them as ``codemod_flags``."""
    flags = declared_flags()

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> R:
        given: dict[str, GivenFlag] = {}
        for spec in flags:
            flag = _given(spec, kwargs.pop(_param(spec), None))
            if flag is not None:
                given[spec.option] = flag
        return command(codemod_flags=given, **kwargs)

    decorated: Callable[..., R] = wrapper
    for spec in reversed(flags):
        decorated = _click_option(spec)(decorated)
    return decorated
