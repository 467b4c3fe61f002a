"""Imports sorted by the project's own isort, where the project runs isort.

backfix places the imports it adds as isort's default profile would (:mod:`backfix.imports`), but a
project that runs isort in its checks sorts and wraps them by its own settings: a line length, a
profile, a wrap mode (isort's default wraps a long ``from`` import in a grid, and joins one that
fits on a line again once a fix took names out of it). There isort itself sorts the changed files,
with the project's configuration (isort finds it as it does when the project runs it): every new
file, and every changed file that isort would have left as it was before the fix. A file isort
would have changed before is left as the fix wrote it, since sorting it would also change lines
the fix did not touch.

isort is used as a library rather than reimplemented: its wrap modes and section rules are many,
and a project that runs it expects exactly its output.
"""

from __future__ import annotations

import ast
import contextlib
import dataclasses
import functools
import io
import re
import shlex
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backfix.docstring_rules import ruff_reports
from backfix.format_settings import (
    precommit_config,
    read_toml,
    runner_files,
    within_repository,
)
from backfix.lint_settings import lint_config
from backfix.results import FileChange
from backfix.source import declared_encoding, decode_source, verify_output

if TYPE_CHECKING:
    import isort

#: isort as a command or a hook (``isort . --check-only``, ``python -m isort``, ``id: isort``)
_ISORT_COMMAND = re.compile(r"(?:^|[\s'\"`;&|(/=:])isort(?=$|[\s'\"`;&|)@])", re.MULTILINE)
#: the sections an INI file configures isort in
_INI_SECTIONS = ("isort", "tool:isort")
#: the isort hook of a pre-commit configuration, and where the next hook or repository starts
_ISORT_HOOK = re.compile(r"^\s*-?\s*id:\s*['\"]?isort\b.*$", re.MULTILINE)
_NEXT_HOOK = re.compile(r"^\s*-\s*(?:id|repo):", re.MULTILINE)
#: a hook's ``args``: an inline list, or the block list below it
_INLINE_ARGS = re.compile(r"^\s*args:\s*\[(.*?)\]", re.MULTILINE | re.DOTALL)
_BLOCK_ARGS = re.compile(r"^\s*args:\s*\n((?:\s*-\s*.*\n?)+)", re.MULTILINE)
#: the rest of a command line that runs isort (``isort --profile black --check .``)
_ISORT_COMMAND_LINE = re.compile(
    r"(?:^|[\s;&|(])(?:python3?\s+-m\s+)?isort[ \t]+(.*)$", re.MULTILINE
)


def runs_isort(folder: Path) -> bool:
    """Whether the project around ``folder`` runs isort in its checks, or configures it (within
    its repository). A configuration only counts where ruff's own import sorting (``I001``) is
    off: a ``[tool.isort]`` table beside ruff's ``I`` rules, with no hook or command running
    isort, is a leftover of the project's move to ruff, and ruff decides the order."""
    return _runs_isort_in(folder.resolve())


@functools.lru_cache(maxsize=256)
def _runs_isort_in(folder: Path) -> bool:
    directories = list(within_repository(folder))
    for directory in directories:
        if any(_ISORT_COMMAND.search(_read(path)) for path in _runner_files(directory)):
            return True
    if not any(_configures_isort(directory) for directory in directories):
        return False
    return not ruff_reports(folder, directories[-1], "I001")


def _configures_isort(directory: Path) -> bool:
    if (directory / ".isort.cfg").is_file():
        return True
    tools = read_toml(directory / "pyproject.toml").get("tool", {})
    if isinstance(tools, dict) and isinstance(tools.get("isort"), dict):
        return True
    for name in ("setup.cfg", "tox.ini"):
        parser = lint_config(directory / name) if (directory / name).is_file() else None
        if parser is not None and any(parser.has_section(s) for s in _INI_SECTIONS):
            return True
    return False


def _runner_files(directory: Path) -> list[Path]:
    """The files of ``directory`` that may run isort: its pre-commit hooks, and the runners
    :func:`backfix.format_settings.runner_files` lists."""
    return [directory / ".pre-commit-config.yaml", *runner_files(directory)]


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def load_isort(changes: Sequence[FileChange]) -> None:
    """Import isort and the modules :func:`sort_imports` reads, where one of ``changes`` is in a
    project that runs isort: in the calling thread, before threads sort files. Two threads that
    imported it for the first time at once could find a module half initialised (``module
    'isort.settings' has no attribute 'DEFAULT_CONFIG'``), and the file was left unsorted."""
    if any(runs_isort(Path(change.abs_path).parent) for change in changes):
        import isort.exceptions
        import isort.main
        import isort.settings  # noqa: F401


def sort_imports(change: FileChange, root: Path | None) -> tuple[FileChange, str]:
    """``change`` with its imports as the project's isort sorts them, where the project runs
    isort and the file was sorted before the fix (or is new); and why they were left as they
    are, if something went wrong ("" otherwise)."""
    folder = Path(change.abs_path).parent
    if not runs_isort(folder):
        return change, ""
    import isort  # only a project that runs isort loads it

    # (a new file is not passed by path: isort skips a path that does not exist yet)
    path = Path(change.abs_path) if change.before is not None else None
    try:
        config, dropped = _config(_existing(folder), root)
        if change.before is not None:
            # (`isort.code`, not `check_code`, which prints to the terminal what it finds)
            before = decode_source(change.before)
            if isort.code(before, config=config, file_path=path) != before:
                return change, ""
        text = decode_source(change.after)
        sorted_text = isort.code(text, config=config, file_path=path)
    except isort.exceptions.FileSkipped:  # the project's isort settings skip this file
        return change, ""
    except Exception as exc:  # isort's own errors (a file it cannot parse, a bad setting)
        return change, f"isort could not sort its imports ({exc})"
    if sorted_text == text:
        return change, ""
    problem = _changed_meaning(text, sorted_text)
    after = sorted_text.encode(declared_encoding(change.after))
    output = verify_output(change.path, change.before or b"", after)
    problem = problem or (output.message if output is not None else "")
    if problem:
        return change, f"isort's sorting was not used ({problem})"
    return replace(change, after=after), _dropped_note(dropped)


def _dropped_note(dropped: tuple[str, ...]) -> str:
    """What a file sorted without the settings isort does not know is told ("" for none)."""
    if not dropped:
        return ""
    import isort

    names = ", ".join(f"`{name}`" for name in dropped)
    return (
        f"sorted by isort {isort.__version__} without the settings of the project's isort "
        f"configuration that it does not know ({names}: an older isort's)"
    )


def _existing(folder: Path) -> Path:
    """``folder``, or the nearest folder above it that exists (a new file's folder may not)."""
    return next((d for d in (folder, *folder.parents) if d.is_dir()), folder)


@functools.lru_cache(maxsize=64)
def _config(folder: Path, root: Path | None) -> tuple[isort.Config, tuple[str, ...]]:
    """The project's isort settings for files in ``folder``: its configuration, and the options
    its pre-commit hook or command line gives (``--profile=black``); and the names of the settings
    this isort does not know, which are left out (isort 5 dropped isort 4's ``not_skip``, and
    refuses a configuration that still has it). isort resolves first-party modules from its
    ``src_paths``, which default to the folder of the configuration file it finds
    (``backend/pyproject.toml`` in a monorepo: ``backend/``), else to the folder it runs in:
    where the project sets none and has no such file, they are the project's root and its
    ``src`` folder, as when it runs isort there."""
    import isort
    import isort.exceptions

    options = {**command_options(folder), "quiet": True}
    try:
        config = isort.Config(settings_path=str(folder), **options)
    except isort.exceptions.UnsupportedSettings as unsupported:
        return _config_without(folder, options, tuple(sorted(unsupported.unsupported_settings)))
    configured = "src_paths" in options or any(
        "src_paths" in source and source.get("source") != "defaults" for source in config.sources
    )
    from_file = any(Path(str(source.get("source", ""))).is_file() for source in config.sources)
    if configured or from_file or root is None:
        return config, ()
    return isort.Config(settings_path=str(folder), src_paths=(root / "src", root), **options), ()


def _config_without(
    folder: Path, options: dict[str, Any], unsupported: tuple[str, ...]
) -> tuple[isort.Config, tuple[str, ...]]:
    """The project's isort settings without those this isort does not know, resolved from the
    folder of its configuration file as isort resolves them (isort reads that file itself only
    whole, so it is read as isort reads it, and the rest is passed on)."""
    import isort
    from isort.settings import _find_config

    project_root, found = _find_config(str(folder))
    settings = {
        key: value
        for key, value in {**found, **options}.items()
        if key not in unsupported and key != "source"
    }
    settings.setdefault("directory", project_root)
    return isort.Config(**settings), unsupported


def command_options(folder: Path) -> dict[str, Any]:
    """The isort settings the project gives on isort's command line: the ``args`` of its
    pre-commit hook, else the options of the first command that runs isort (read with isort's own
    argument parser; ones it rejects are ignored)."""
    from isort.main import parse_args
    from isort.settings import _Config

    arguments = _hook_arguments(precommit_config(folder))
    if arguments is None:
        arguments = _command_arguments(folder)
    try:
        with contextlib.redirect_stderr(io.StringIO()):
            parsed = parse_args(arguments)
    except SystemExit:  # an option this isort does not know
        return {}
    settings = {field.name for field in dataclasses.fields(_Config)} - {"settings_path"}
    return {key: value for key, value in parsed.items() if key in settings}


def _hook_arguments(text: str) -> list[str] | None:
    """The ``args`` of the isort hook in a pre-commit configuration; None without the hook."""
    match = _ISORT_HOOK.search(text)
    if match is None:
        return None
    hook = _NEXT_HOOK.split(text[match.end() :], maxsplit=1)[0]
    inline = _INLINE_ARGS.search(hook)
    if inline is not None:
        items = inline.group(1).split(",")
    else:
        block = _BLOCK_ARGS.search(hook)
        items = [line.strip()[1:] for line in block.group(1).splitlines()] if block else []
    return [_unquoted(item.strip()) for item in items if item.strip()]


def _unquoted(item: str) -> str:
    return item[1:-1] if len(item) > 1 and item[0] == item[-1] and item[0] in "'\"" else item


def _command_arguments(folder: Path) -> list[str]:
    """The words after the first command that runs isort in the project's runner files (its
    paths among them, which isort's parser reads as the files to sort)."""
    for directory in within_repository(folder):
        for path in _runner_files(directory):
            match = _ISORT_COMMAND_LINE.search(_read(path))
            if match is not None:
                with contextlib.suppress(ValueError):  # unbalanced quotes: try the next one
                    return shlex.split(match.group(1), comments=True)
    return []


def _changed_meaning(before: str, after: str) -> str:
    """Why ``after`` (``before`` with its imports sorted) is not the same program with its
    imports in another order: what it imports, its other statements or its comments differ."""
    try:
        old, new = ast.parse(before), ast.parse(after)
    except SyntaxError:
        return "the sorted code does not parse"
    if _imports(old) != _imports(new) or _rest(old) != _rest(new):
        return "the sorted code would not mean the same"
    if sorted(_comments(before)) != sorted(_comments(after)):
        return "sorting would drop or change a comment"
    return ""


def _imports(tree: ast.Module) -> list[str]:
    """Every import of one name, anywhere in ``tree``, in sorted order."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found += [ast.dump(single) for single in _one_name_each(node)]
    return sorted(found)


def _one_name_each(node: ast.Import | ast.ImportFrom) -> list[ast.stmt]:
    """``from m import a, b`` as ``from m import a`` and ``from m import b`` (isort may join or
    split them)."""
    if isinstance(node, ast.Import):
        return [ast.Import(names=[alias]) for alias in node.names]
    return [ast.ImportFrom(module=node.module, names=[a], level=node.level) for a in node.names]


def _rest(tree: ast.Module) -> str:
    """``tree`` without its imports (isort sorts them in every block, not only at the top)."""
    return ast.dump(_WithoutImports().visit(tree))


class _WithoutImports(ast.NodeTransformer):
    """Drops every import statement."""

    def visit_Import(self, node: ast.Import) -> None:
        """An import: dropped."""

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        """A ``from`` import: dropped."""


_COMMENT = re.compile(r"#.*$", re.MULTILINE)


def _comments(text: str) -> list[str]:
    return [match.group(0).rstrip() for match in _COMMENT.finditer(text)]
