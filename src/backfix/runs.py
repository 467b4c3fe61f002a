"""Running codemods for a command: the workspace and its config, specs from options, one runner call.

``scan``, ``apply``, ``check`` and ``report`` all start here. Problems are raised as
:class:`~backfix.exits.Failure` (the command line prints them and exits 2).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from backfix import console
from backfix.codemod import Codemod, ConfigError
from backfix.config import Config, check_keys, find_config, tomllib
from backfix.discovery import PathError, Workspace, open_workspace
from backfix.exits import Failure
from backfix.gitcli import GitError
from backfix.registry import all_codemods, registered
from backfix.results import RunResult, Violation
from backfix.runner import CodemodSpec, RunOptions, run

#: picks the files to rewrite from the planned violations (``RunOptions.only_files``).
Selector = Callable[[list[Violation]], set[str]]


@dataclass(frozen=True)
class Settings:
    """The ``codemod`` group's own flags, which every command honours."""

    verbose: bool = False
    cache: bool = True


def current_settings() -> Settings:
    """The settings of the running ``codemod`` command (the defaults outside one)."""
    context = click.get_current_context(silent=True)
    found = context.find_object(Settings) if context is not None else None
    return found or Settings()


def parse_option(text: str) -> tuple[str, Any]:
    """``KEY=VALUE`` from ``-o``: the value read as TOML when it is, else as a string."""
    key, sep, raw = text.partition("=")
    if not sep or not key:
        raise click.BadParameter(f"expected KEY=VALUE, got {text!r}")
    try:
        value = tomllib.loads(f"v = {raw}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw
    return key.strip(), value


def check_options(classes: Sequence[type[Codemod]], raw_options: Sequence[str]) -> None:
    """Every ``-o KEY=VALUE`` must name an option of at least one selected codemod."""
    declared = {key for cls in classes for key in cls.option_names()}
    for text in raw_options:
        key = parse_option(text)[0].replace("-", "_")
        if key not in declared:
            ids = ", ".join(cls.ID for cls in classes)
            raise ConfigError(f"unknown option {key!r} for {ids}")


def check_flags(classes: Sequence[type[Codemod]], flags: dict[str, str | None]) -> None:
    """A flag (``--mode``) given to codemods none of which takes it is an error, not ignored."""
    for option, flag in flags.items():
        if flag is None or any(option in cls.option_names() for cls in classes):
            continue
        takers = [cid for cid, cls in all_codemods().items() if option in cls.option_names()]
        ids = ", ".join(cls.ID for cls in classes)
        raise ConfigError(
            f"{flag} does not apply to {ids} (it is an option of {', '.join(takers)})"
        )


def overrides(
    raw_options: Sequence[str], mode: str | None, templates: Path | None
) -> dict[str, Any]:
    """The codemod options given on the command line (``-o``, ``--mode``, ``--templates``)."""
    given = {key.replace("-", "_"): value for key, value in map(parse_option, raw_options)}
    if mode is not None:
        given["mode"] = mode
    if templates is not None:
        given["templates"] = str(templates.resolve())
    return given


@dataclass(frozen=True)
class Scope:
    """Where a run looks: the ``--path`` targets (default: the current folder), excludes, workers."""

    paths: Sequence[Path] = ()
    exclude: Sequence[str] = ()
    jobs: int | None = None

    @property
    def targets(self) -> list[Path]:
        """The paths to run on."""
        return [Path(p) for p in self.paths] or [Path.cwd()]


@dataclass(frozen=True)
class Setup:
    """A workspace with its configuration, ready to run codemods."""

    workspace: Workspace
    config: Config
    settings: Settings

    def spec(self, cls: type[Codemod], given: dict[str, Any]) -> CodemodSpec:
        """``cls`` with its configured options, overridden by those ``given`` that it declares."""
        options = self.config.options_for(cls)
        options.update({k: v for k, v in given.items() if k in cls.option_names()})
        spec = CodemodSpec(cls, cls.ID, tuple(sorted(options.items())))
        spec.create()
        return spec

    def run(
        self,
        specs: list[CodemodSpec],
        scope: Scope,
        only_files: Selector | None = None,
        *,
        apply: bool,
        show_progress: bool,
    ) -> RunResult:
        """One runner call over ``scope``; a progress bar on a terminal when ``show_progress``."""
        config = self.config
        with console.progress_bar(show_progress) as progress:
            try:
                return run(
                    self.workspace,
                    RunOptions(
                        specs=specs,
                        paths=scope.targets,
                        exclude=[*config.exclude, *scope.exclude],
                        jobs=scope.jobs or config.jobs,
                        apply=apply,
                        only_files=only_files,
                        progress=progress,  # type: ignore[arg-type]
                        config=dict(config.table),
                        cache=self.settings.cache and bool(config.table.get("cache", True)),
                    ),
                )
            except (ConfigError, FileNotFoundError, PathError) as exc:
                raise Failure(str(exc)) from None


def prepare(paths: Sequence[Path], settings: Settings) -> Setup:
    """The workspace holding ``paths`` (default: the current folder) and its checked configuration."""
    targets = [Path(p) for p in paths] or [Path.cwd()]
    for target in targets:
        if not target.exists():
            raise Failure(f"path does not exist: {target}")
    try:
        workspace = open_workspace(targets)
    except GitError as exc:
        raise Failure(str(exc)) from None
    try:
        config = find_config(workspace.root, targets[0])
        check_keys(config, registered())
    except ConfigError as exc:
        raise Failure(str(exc)) from None
    return Setup(workspace, config, settings)
