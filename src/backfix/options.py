"""Codemod options: one frozen dataclass per codemod, which also declares its config keys and CLI flags.

A codemod declares its options as a subclass of :class:`CodemodOptions` whose fields are made with
:func:`option`::

    @dataclass(frozen=True)
    class Options(CodemodOptions):
        log_swallowed: bool = option(True, help="Add a log call.", flag="--no-logging", flag_value=False)
        session_names: tuple[str, ...] = option((), help="Extra session names.", comma_list=True)

Every field is a key of ``[tool.backfix.<codemod-id>]`` and of ``-o key=value``; ``flag`` adds a
command-line flag to ``scan``/``apply``. Values are checked against the field's type before any file
is touched: an unknown key or a value of the wrong type is a :class:`ConfigError` that names the key,
the codemod and what would have been valid.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

__all__ = ["CodemodOptions", "ConfigError", "FlagSpec", "OptionSpec", "option"]

OptionsT = TypeVar("OptionsT", bound="CodemodOptions")


class ConfigError(Exception):
    """Invalid configuration or options; reported before any file is touched."""


@dataclass(frozen=True)
class FlagSpec:
    """A command-line flag that sets one option.

    ``value`` is what an on/off flag (``--no-logging``) sets; None means the flag takes a value
    (``--mode async``), restricted to ``choices`` when given, a folder when ``is_path``.
    ``rewrite_only``: the option changes only what a fix writes, never what is found, so ``scan``
    refuses the flag instead of ignoring it.
    """

    flag: str
    option: str
    help: str
    value: Any = None
    choices: tuple[str, ...] = ()
    is_path: bool = False
    rewrite_only: bool = False


@dataclass(frozen=True)
class OptionSpec:
    """What :func:`option` records about one field (kept in the dataclass field's metadata)."""

    help: str
    flag: str | None = None
    flag_value: Any = None
    choices: tuple[str, ...] = ()
    comma_list: bool = False
    is_path: bool = False
    rewrite_only: bool = False


_SPEC_KEY = "backfix.option"


def option(
    default: Any,
    *,
    help: str,
    flag: str | None = None,
    flag_value: Any = None,
    choices: Sequence[str] = (),
    comma_list: bool = False,
    is_path: bool = False,
    rewrite_only: bool = False,
) -> Any:
    """A field of a :class:`CodemodOptions` dataclass.

    ``default`` is immutable (use a tuple for a list of names). ``flag`` declares a CLI flag for the
    option: with ``flag_value`` it is an on/off flag setting that value, without it the flag takes a
    value. ``choices`` restricts a string; ``comma_list`` also accepts ``"a,b"`` for a tuple of
    strings (handy with ``-o``); ``is_path`` makes the flag take an existing folder.
    ``rewrite_only`` marks an option that changes only what a fix writes (a template folder, an
    added log call): ``scan`` then refuses its flag with an error, since it would change nothing.
    """
    spec = OptionSpec(help, flag, flag_value, tuple(choices), comma_list, is_path, rewrite_only)
    return dataclasses.field(default=default, metadata={_SPEC_KEY: spec})


@dataclass(frozen=True)
class CodemodOptions:
    """Base of every codemod's options; a codemod without options uses it as is."""

    @classmethod
    def specs(cls) -> dict[str, OptionSpec]:
        """Option name → its declaration, in field order."""
        return {
            f.name: f.metadata.get(_SPEC_KEY, OptionSpec(help="")) for f in dataclasses.fields(cls)
        }

    @classmethod
    def defaults(cls) -> dict[str, Any]:
        """Option name → default value."""
        return {f.name: f.default for f in dataclasses.fields(cls)}

    @classmethod
    def flags(cls) -> list[FlagSpec]:
        """The CLI flags the options declare."""
        return [
            FlagSpec(s.flag, name, s.help, s.flag_value, s.choices, s.is_path, s.rewrite_only)
            for name, s in cls.specs().items()
            if s.flag is not None
        ]

    @classmethod
    def from_mapping(
        cls: type[OptionsT], codemod_id: str, values: Mapping[str, Any] | None
    ) -> OptionsT:
        """Checked options from config/CLI values (``-`` or ``_`` in keys); raises ConfigError."""
        specs = cls.specs()
        hints = typing.get_type_hints(cls)
        checked: dict[str, Any] = {}
        for key, value in (values or {}).items():
            name = key.replace("-", "_")
            if name not in specs:
                known = ", ".join(sorted(specs)) or "none"
                raise ConfigError(f"{codemod_id}: unknown option {key!r} (known: {known})")
            checked[name] = _check(codemod_id, name, value, hints[name], specs[name])
        return cls(**checked)

    def as_dict(self) -> dict[str, Any]:
        """Option name → value."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}


def _check(codemod_id: str, name: str, value: Any, hint: Any, spec: OptionSpec) -> Any:
    """``value`` converted to the field's type, or a ConfigError saying what was expected."""
    where = f"{codemod_id}: option {name!r}"
    if spec.comma_list and isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
    if typing.get_origin(hint) is tuple:
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where} must be a list of names, got {value!r}")
        return tuple(value)
    expected = _scalar_type(hint)
    if expected is bool and not isinstance(value, bool):
        raise ConfigError(f"{where} must be true or false, got {value!r}")
    if expected is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ConfigError(f"{where} must be an integer, got {value!r}")
    if expected is str and not isinstance(value, str):
        raise ConfigError(f"{where} must be a string, got {value!r}")
    if spec.choices and value not in spec.choices:
        raise ConfigError(f"{where} must be one of {', '.join(spec.choices)}, got {value!r}")
    return value


def _scalar_type(hint: Any) -> type | None:
    if isinstance(hint, type):
        return hint
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        inner = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return inner[0] if len(inner) == 1 and isinstance(inner[0], type) else None
    return None
