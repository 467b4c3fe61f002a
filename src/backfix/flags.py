"""Command-line flags that codemods declare in their options dataclasses (``--mode``, ``--no-logging``).

The CLI does not know them: a :class:`FlagsCommand` takes one click option per flag some registered
codemod declares, and hands its callback the flags given as ``codemod_flags`` (option name →
:class:`GivenFlag`). A flag that none of the selected codemods takes is an error (see
``backfix.runs.check_flags``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from backfix.codemod import ConfigError
from backfix.options import FlagSpec
from backfix.registry import all_codemods

#: ``ctx.meta`` key: the flags a command parses with (absent: every declared flag)
_IN_USE = "backfix.flags.in_use"


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
            if (other.option, other.value, other.choices, other.is_path, other.rewrite_only) != (
                spec.option,
                spec.value,
                spec.choices,
                spec.is_path,
                spec.rewrite_only,
            ):
                raise ConfigError(
                    f"{codemod_id} declares {spec.flag} differently from another codemod"
                )
    return [found[flag] for flag in sorted(found)]


def _param(spec: FlagSpec) -> str:
    return "codemod_flag_" + spec.flag.lstrip("-").replace("-", "_")


@functools.cache
def _option(spec: FlagSpec, hidden: bool) -> click.Option:
    """The click option of one flag (one object per flag: click tells parameters apart by identity)."""
    names = [spec.flag, _param(spec)]
    if spec.value is not None:
        return click.Option(names, is_flag=True, default=False, help=spec.help, hidden=hidden)
    kind: Any = None  # a click.ParamType (generic in newer click)
    if spec.choices:
        kind = click.Choice(list(spec.choices))
    elif spec.is_path:
        kind = click.Path(path_type=Path, file_okay=False, exists=True)
    return click.Option(names, type=kind, default=None, help=spec.help, hidden=hidden)


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


class FlagsCommand(click.Command):
    """A command that also takes the codemods' flags, as options right before ``flags_before``.

    Knowing the flags means importing every codemod. A command line whose every option is one of
    the command's own (``scan --codemod bare-except --path app``) cannot name a codemod flag, and
    click matches whole option names only, so it parses the same without them: the command then
    leaves them out and imports no codemod to parse. Any other option, or ``--help``, brings in
    every flag, so errors and help texts are those of a command that always has them.
    """

    def __init__(self, *args: Any, flags_before: str, rewrites: bool = True, **kwargs: Any) -> None:
        """``flags_before``: the name of the parameter the codemods' flags are listed before.

        A command that never ``rewrites`` (``scan``) does not list the flags of rewrite-only options
        and refuses them with an error that says so (rather than taking them and doing nothing).
        """
        super().__init__(*args, **kwargs)
        self.flags_before = flags_before
        self.rewrites = rewrites

    def _flags(self, ctx: click.Context) -> Sequence[FlagSpec]:
        in_use: Sequence[FlagSpec] | None = ctx.meta.get(_IN_USE)
        return declared_flags() if in_use is None else in_use

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        """The command's own parameters with the flags in use inserted before ``flags_before``."""
        params = super().get_params(ctx)
        names = [param.name for param in params]
        at = names.index(self.flags_before)
        hide = not self.rewrites
        options = [_option(spec, hide and spec.rewrite_only) for spec in self._flags(ctx)]
        return [*params[:at], *options, *params[at:]]

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Parse without the codemods' flags when no argument can be one of them."""
        if _only_own_options(args, super().get_params(ctx), ctx.help_option_names):
            ctx.meta[_IN_USE] = ()
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        """Hand the callback the given flags as one ``codemod_flags`` argument."""
        given: dict[str, GivenFlag] = {}
        for spec in self._flags(ctx):
            flag = _given(spec, ctx.params.pop(_param(spec), None))
            if flag is not None and spec.rewrite_only and not self.rewrites:
                raise click.UsageError(
                    f"{spec.flag} only changes what `codemod apply` writes; {ctx.info_name} "
                    "finds the same violations without it",
                    ctx,
                )
            if flag is not None:
                given[spec.option] = flag
        ctx.params["codemod_flags"] = given
        return super().invoke(ctx)


def _only_own_options(
    args: Sequence[str], params: Sequence[click.Parameter], help_names: Sequence[str]
) -> bool:
    """Whether every option-like argument is one of ``params``' options (help excluded).

    A short option with more after it (``-j2``) counts only when it takes a value (the rest is that
    value); grouped short flags may hide another option, so they do not.
    """
    options = [p for p in params if isinstance(p, click.Option)]
    own = {opt for p in options for opt in (*p.opts, *p.secondary_opts) if opt not in help_names}
    take_value = {opt for p in options if not p.is_flag for opt in p.opts}
    for arg in args:
        if arg == "--":
            return True
        if not arg.startswith("-") or arg == "-":
            continue
        if arg.startswith("--"):
            known = arg.split("=", 1)[0] in own
        else:
            known = arg in own or arg[:2] in take_value
        if not known:
            return False
    return True
