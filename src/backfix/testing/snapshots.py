"""Snapshot tests: run a codemod over a case's input with the real engine and compare bytes exactly.

Layout of a case, ``snapshots/<codemod-id>/<case>/``:

* single-file case: ``input.py`` and ``expected.py``; no ``expected.py`` means the file must stay
  unchanged. The file is placed at the root of a temporary project as ``input.py`` (or ``filename``).
* folder (cross-file) case: ``input/`` (a whole project tree) and ``expected/`` holding only the files
  that change or are created, as they must be afterwards; no ``expected/`` means nothing may change.
  Every file in ``expected/`` must exist after the run with exactly those bytes, every other file of
  ``input/`` must be byte-for-byte unchanged, and no other file may be created or deleted.
* optional ``case.toml``::

      path = "app/routes"            # or a list: what --path points at, relative to the input root
                                     # (folder cases only; default: the whole input)
      filename = "app/jobs.py"       # where input.py is placed (single-file cases only)
      remaining = 2                  # violations apply must leave for manual review (default: unchecked)
      expect_errors = ["broken.py"]  # files the run must report as errors (default: none)

      [options]                      # codemod options, as with ``-o key=value``
      log_swallowed = false

      [[variant]]                    # optional: run the same input under several option sets;
      name = "sync"                  # each variant has its own expected.<name>.py (or
      options = { mode = "sync" }    # expected.<name>/) and diagnostics.<name>.txt; its options
                                     # override [options]; `remaining` may be set per variant

  A ``pyproject.toml`` with ``[tool.backfix]`` inside ``input/`` is honoured as the CLI would;
  ``[options]`` override it. A ``README.md`` may describe the case.

* ``diagnostics.txt`` (``diagnostics.<variant>.txt``): what a scan of the input reports, one violation
  per line as ``path:line:col: message [fixable]`` or ``[manual: <reason-id>]``, the reason indented
  on the next line, as ruff's ``.snap`` files pin diagnostics. No file means no violation.

Each case runs like ``codemod apply`` would, with the workspace rooted at a temporary copy (no git)
and one job: the output is compared byte for byte, every changed file must compile, a scan of the input
must count exactly what apply fixed plus what it left, no violation may stay "fixable" but unfixed, and a
second apply over the output must change nothing and leave the same violations (idempotency).

Case names starting with ``noop`` must have no expected output. A case with expected output whose
result equals its input fails: it would test nothing.

Update mode (``pytest --update-snapshots``) writes the actual output as the expected output and the
actual diagnostics (and removes expected output and diagnostics the codemod no longer produces), then still fails, listing what it wrote, so each change
is reviewed with ``git diff snapshots/`` before it is accepted.
"""

from __future__ import annotations

import difflib
import re
import shutil
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from backfix.codemod import Codemod, ConfigError
from backfix.config import load_config, tomllib
from backfix.discovery import Workspace
from backfix.registry import get_codemod
from backfix.results import FileError, RunResult, Violation
from backfix.runner import CodemodSpec, RunOptions, run

CASE_TOML_KEYS = frozenset({"options", "path", "filename", "remaining", "expect_errors", "variant"})
VARIANT_KEYS = frozenset({"name", "options", "remaining"})
CASE_ENTRIES = frozenset(
    {
        "input.py",
        "expected.py",
        "input",
        "expected",
        "case.toml",
        "README.md",
        "__pycache__",
        "diagnostics.txt",
    }
)
#: per-variant entries: expected.<name>.py, expected.<name>/, diagnostics.<name>.txt
VARIANT_ENTRY = re.compile(r"(?:expected\.[\w-]+(?:\.py)?|diagnostics\.[\w-]+\.txt)")
VARIANT_NAME = re.compile(r"[\w-]+")
#: never part of a compared tree: caches a test run may leave behind.
IGNORED_PARTS = frozenset({"__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache"})
MAX_DIFF_LINES = 200


class SnapshotError(Exception):
    """A malformed snapshot case (layout or ``case.toml``)."""


@dataclass(frozen=True)
class SnapshotCase:
    """One case folder. ``error`` is set (and the case fails) when the folder is malformed."""

    codemod_id: str
    name: str
    directory: Path
    is_folder: bool = False
    options: Mapping[str, Any] = field(default_factory=dict)
    paths: tuple[str, ...] = ()
    filename: str = "input.py"
    remaining: int | None = None
    expect_errors: tuple[str, ...] = ()
    error: str = ""
    #: the ``[[variant]]`` this case runs (empty: the case has no variants)
    variant: str = ""

    @property
    def id(self) -> str:
        """``<codemod-id>/<case>`` (``<codemod-id>/<case>[<variant>]``), the pytest id."""
        suffix = f"[{self.variant}]" if self.variant else ""
        return f"{self.codemod_id}/{self.name}{suffix}"

    @property
    def diagnostics_path(self) -> Path:
        """``diagnostics.txt`` or ``diagnostics.<variant>.txt`` (which may not exist)."""
        infix = f".{self.variant}" if self.variant else ""
        return self.directory / f"diagnostics{infix}.txt"

    @property
    def input_path(self) -> Path:
        """``input.py`` or ``input/``."""
        return self.directory / ("input" if self.is_folder else "input.py")

    @property
    def expected_path(self) -> Path:
        """``expected.py`` or ``expected/`` (``expected.<variant>...``), which may not exist."""
        infix = f".{self.variant}" if self.variant else ""
        return self.directory / (f"expected{infix}" if self.is_folder else f"expected{infix}.py")


@dataclass
class CaseReport:
    """What checking one case found: problems, and in update mode the expected files written."""

    case_id: str
    problems: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the case passed and nothing was rewritten."""
        return not self.problems and not self.written

    def summary(self) -> str:
        """A readable failure message."""
        parts = [f"snapshot {self.case_id}:"]
        if self.written:
            parts.append(
                "updated (review with `git diff snapshots/`, then rerun without --update-snapshots):"
            )
            parts.extend(f"  {item}" for item in self.written)
        parts.extend(self.problems)
        return "\n".join(parts)


# --- loading ------------------------------------------------------------------------------------------


def discover_cases(root: Path) -> list[SnapshotCase]:
    """Every case under ``root/<codemod-id>/<case>/``, sorted; malformed ones carry an ``error``."""
    cases: list[SnapshotCase] = []
    if not root.is_dir():
        return cases
    for codemod_dir in sorted(
        p for p in root.iterdir() if p.is_dir() and p.name not in IGNORED_PARTS
    ):
        for case_dir in sorted(p for p in codemod_dir.iterdir() if p.is_dir()):
            if case_dir.name in IGNORED_PARTS:
                continue
            try:
                cases.extend(load_cases(case_dir))
            except SnapshotError as exc:
                cases.append(
                    SnapshotCase(codemod_dir.name, case_dir.name, case_dir, error=str(exc))
                )
    return cases


def load_case(directory: Path) -> SnapshotCase:
    """Read one case folder without variants (the first variant when it has some)."""
    return load_cases(directory)[0]


def load_cases(directory: Path) -> list[SnapshotCase]:
    """Read one case folder, validating its layout and ``case.toml``: one case per variant."""
    entries = {p.name for p in directory.iterdir()}
    folder = _folder_layout(directory, entries)
    single = not folder
    table = _read_case_toml(directory / "case.toml")
    codemod_id, name = directory.parent.name, directory.name

    options = table.get("options", {})
    if not isinstance(options, dict):
        raise SnapshotError("case.toml: [options] must be a table")
    paths = _paths(table, directory, single)
    filename = table.get("filename", "input.py")
    if not isinstance(filename, str) or not filename.endswith(".py"):
        raise SnapshotError("case.toml: filename must be a relative path ending in .py")
    if folder and "filename" in table:
        raise SnapshotError("case.toml: filename is for single-file cases")
    _check_relative(filename, "filename")
    remaining = table.get("remaining")
    if remaining is not None and (isinstance(remaining, bool) or not isinstance(remaining, int)):
        raise SnapshotError("case.toml: remaining must be an integer")
    expect_errors = table.get("expect_errors", [])
    if not isinstance(expect_errors, list) or not all(isinstance(p, str) for p in expect_errors):
        raise SnapshotError("case.toml: expect_errors must be a list of paths")

    case = SnapshotCase(
        codemod_id=codemod_id,
        name=name,
        directory=directory,
        is_folder=folder,
        options=options,
        paths=tuple(paths),
        filename=filename,
        remaining=remaining,
        expect_errors=tuple(sorted(expect_errors)),
    )
    variants = _variants(table, entries)
    cases = [
        replace(
            case,
            variant=variant_name,
            options={**options, **variant_options},
            remaining=variant_remaining if variant_remaining is not None else remaining,
        )
        for variant_name, variant_options, variant_remaining in variants
    ] or [case]
    for one in cases:
        if name.startswith("noop") and one.expected_path.exists():
            raise SnapshotError(f"a noop case must not have {one.expected_path.name}")
    return cases


def _folder_layout(directory: Path, entries: set[str]) -> bool:
    """True for a folder case (``input/``), False for a single-file one; checks the entries."""
    unknown = sorted(e for e in entries - CASE_ENTRIES if not VARIANT_ENTRY.fullmatch(e))
    if unknown:
        raise SnapshotError(f"unexpected entries {unknown} (allowed: {sorted(CASE_ENTRIES)})")
    single = "input.py" in entries
    folder = "input" in entries and (directory / "input").is_dir()
    if single == folder:
        raise SnapshotError("a case needs exactly one of input.py or input/")
    if single and "expected" in entries:
        raise SnapshotError("a single-file case (input.py) cannot have expected/")
    if folder and "expected.py" in entries:
        raise SnapshotError("a folder case (input/) cannot have expected.py")
    return folder


def _paths(table: Mapping[str, Any], directory: Path, single: bool) -> list[str]:
    """``path`` of case.toml, checked: what --path points at, relative to the input root."""
    raw_paths = table.get("path", [])
    paths = [raw_paths] if isinstance(raw_paths, str) else raw_paths
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        raise SnapshotError("case.toml: path must be a string or a list of strings")
    if paths and single:
        raise SnapshotError("case.toml: path is for folder cases; use filename for input.py")
    for path in paths:
        _check_relative(path, "path")
        if not (directory / "input" / path).exists():
            raise SnapshotError(f"case.toml: path {path!r} does not exist under input/")
    return paths


def _variants(
    table: Mapping[str, Any], entries: set[str]
) -> list[tuple[str, dict[str, Any], int | None]]:
    """The ``[[variant]]`` tables: name, options, remaining; checks names and stray files."""
    raw = table.get("variant", [])
    if not isinstance(raw, list) or not all(isinstance(v, dict) for v in raw):
        raise SnapshotError("case.toml: variant must be an array of tables ([[variant]])")
    variants: list[tuple[str, dict[str, Any], int | None]] = []
    for item in raw:
        unknown = sorted(set(item) - VARIANT_KEYS)
        if unknown:
            raise SnapshotError(f"case.toml: unknown variant keys {unknown}")
        name, options, remaining = item.get("name"), item.get("options", {}), item.get("remaining")
        if not isinstance(name, str) or not VARIANT_NAME.fullmatch(name):
            raise SnapshotError(f"case.toml: variant name must be a word, got {name!r}")
        if not isinstance(options, dict):
            raise SnapshotError(f"case.toml: options of variant {name!r} must be a table")
        if remaining is not None and (
            isinstance(remaining, bool) or not isinstance(remaining, int)
        ):
            raise SnapshotError(f"case.toml: remaining of variant {name!r} must be an integer")
        variants.append((name, options, remaining))
    names = [name for name, _, _ in variants]
    if len(set(names)) != len(names):
        raise SnapshotError("case.toml: variant names must be unique")
    stray = sorted(
        e
        for e in entries - CASE_ENTRIES
        if VARIANT_ENTRY.fullmatch(e) and e.split(".")[1] not in names
    )
    if stray:
        raise SnapshotError(f"files of variants case.toml does not declare: {stray}")
    if variants and {"expected.py", "expected", "diagnostics.txt"} & entries:
        raise SnapshotError("a case with variants has expected.<variant>... files only")
    return variants


def _read_case_toml(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        table: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SnapshotError(f"case.toml: {exc}") from None
    unknown = sorted(set(table) - CASE_TOML_KEYS)
    if unknown:
        raise SnapshotError(f"case.toml: unknown keys {unknown} (known: {sorted(CASE_TOML_KEYS)})")
    return table


def _check_relative(path: str, key: str) -> None:
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts:
        raise SnapshotError(f"case.toml: {key} must be relative to the input root: {path!r}")


# --- running ------------------------------------------------------------------------------------------


def read_tree(root: Path) -> dict[str, bytes]:
    """POSIX relative path → bytes of every file under ``root``, caches left out."""
    tree: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if IGNORED_PARTS.intersection(rel.parts) or not path.is_file():
            continue
        tree[rel.as_posix()] = path.read_bytes()
    return tree


def _copy_input(case: SnapshotCase, project: Path) -> None:
    if case.is_folder:
        shutil.copytree(case.input_path, project, ignore=shutil.ignore_patterns(*IGNORED_PARTS))
    else:
        target = project / case.filename
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(case.input_path, target)


def _run(case: SnapshotCase, cls: type[Codemod], project: Path, *, apply: bool) -> RunResult:
    """One engine run over the project, configured like the CLI (``[tool.backfix]``, then case)."""
    config = load_config(project)
    options = config.options_for(cls)
    options.update({key.replace("-", "_"): value for key, value in case.options.items()})
    spec = CodemodSpec(cls, case.codemod_id, tuple(sorted(options.items())))
    paths = [project / p for p in case.paths] or [project]
    return run(
        Workspace(root=project),
        RunOptions(
            specs=[spec],
            paths=paths,
            exclude=config.exclude,
            jobs=1,
            apply=apply,
            config=dict(config.table),
        ),
    )


def _write_changes(result: RunResult, project: Path, problems: list[str]) -> None:
    for change in result.changes:
        target = Path(change.abs_path).resolve()
        if not target.is_relative_to(project):
            problems.append(f"the codemod wanted to write outside the project: {change.abs_path}")
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(change.after)


def _error_problems(errors: list[FileError], expected: tuple[str, ...], when: str) -> list[str]:
    got = sorted({error.path for error in errors})
    if got == list(expected):
        return []
    lines = [f"{when}: files with errors {got}, expected {list(expected)}:"]
    for error in errors:
        lines.append(f"  {error.path}:{error.line}:{error.col}: {error.kind}: {error.message}")
        if error.detail:
            lines.extend("    " + line for line in error.detail.rstrip().splitlines())
    return lines


def check_case(case: SnapshotCase, workdir: Path, *, update: bool = False) -> CaseReport:
    """Run ``case`` in ``workdir`` (an empty temporary folder) and report every problem found.

    With ``update``, the expected output is rewritten from the actual output first; the report then
    lists what was written, so the case still fails until it is rerun without update.
    """
    report = CaseReport(case.id)
    if case.error:
        report.problems.append(f"malformed case {case.directory}: {case.error}")
        return report
    try:
        cls = get_codemod(case.codemod_id)
    except ConfigError as exc:
        report.problems.append(str(exc))
        return report
    project = (workdir / "project").resolve()
    _copy_input(case, project)
    before = read_tree(project)
    problems = report.problems
    try:
        scan = _run(case, cls, project, apply=False)
        first = _run(case, cls, project, apply=True)
    except ConfigError as exc:
        problems.append(f"configuration error: {exc}")
        return report
    problems.extend(_error_problems(scan.errors, case.expect_errors, "scan"))
    problems.extend(_error_problems(first.errors, case.expect_errors, "apply"))
    _write_changes(first, project, problems)
    after = read_tree(project)

    _check_diagnostics(case, scan, report, update)
    problems.extend(_count_problems(case, scan, first))
    problems.extend(_compile_problems(before, after))
    if case.is_folder:
        _compare_folder(case, before, after, report, update)
    else:
        _compare_single(case, before, after, report, update)

    second = _run(case, cls, project, apply=True)
    problems.extend(_error_problems(second.errors, case.expect_errors, "second apply"))
    if second.changes:
        problems.append("not idempotent: a second apply over the output changed it again:")
        for change in second.changes:
            problems.append(
                _diff(change.path, change.before or b"", change.after, "first", "second")
            )
    if len(second.violations) != len(first.violations):
        problems.append(
            f"not idempotent: the first apply left {len(first.violations)} violation(s), a second "
            f"apply over its output finds {len(second.violations)}: "
            + "; ".join(_describe(v.path, v.line, v.message) for v in second.violations)
        )
    return report


def diagnostics_text(violations: Sequence[Violation]) -> str:
    """What ``diagnostics.txt`` pins: one violation a line, its reason indented below it."""
    lines: list[str] = []
    for v in sorted(violations):
        status = "fixable" if v.fixable else f"manual: {v.reason_id or 'no reason id'}"
        lines.append(f"{v.path}:{v.line}:{v.col}: {v.message} [{status}]")
        if not v.fixable:
            lines.append(f"    {v.reason or 'no reason given'}")
    return "".join(f"{line}\n" for line in lines)


def _check_diagnostics(
    case: SnapshotCase, scan: RunResult, report: CaseReport, update: bool
) -> None:
    actual = diagnostics_text(scan.violations)
    target = case.diagnostics_path
    if update:
        _update_file(case, target, actual.encode() or None, report, allow_noop=True)
        return
    expected = target.read_text(encoding="utf-8") if target.exists() else ""
    if expected != actual:
        report.problems.append(
            f"diagnostics differ from {target.name}:\n"
            + _diff(target.name, expected.encode(), actual.encode())
        )


def _describe(path: str, line: int, message: str) -> str:
    return f"{path}:{line}: {message}"


def _count_problems(case: SnapshotCase, scan: RunResult, applied: RunResult) -> list[str]:
    problems: list[str] = []
    accounted = len(applied.fixed) + len(applied.violations)
    if len(scan.violations) != accounted:
        problems.append(
            f"counts disagree: scan finds {len(scan.violations)} violation(s), apply fixed "
            f"{len(applied.fixed)} and left {len(applied.violations)}"
        )
    unfixed = [v for v in applied.violations if v.fixable]
    if unfixed:
        problems.append(
            "violations marked fixable but left unfixed: "
            + "; ".join(_describe(v.path, v.line, v.message) for v in unfixed)
        )
    if case.remaining is not None and len(applied.violations) != case.remaining:
        left = "; ".join(
            _describe(v.path, v.line, f"{v.message} ({v.reason or 'no reason'})")
            for v in applied.violations
        )
        problems.append(
            f"expected {case.remaining} violation(s) left for manual review, got "
            f"{len(applied.violations)}" + (f": {left}" if left else "")
        )
    return problems


def _compile_problems(before: Mapping[str, bytes], after: Mapping[str, bytes]) -> list[str]:
    """Every changed or created Python file must compile (when its input did under this Python)."""
    problems: list[str] = []
    for path, data in after.items():
        if not path.endswith(".py") or before.get(path) == data:
            continue
        if path in before and not _compiles(path, before[path]):
            continue
        if not _compiles(path, data):
            problems.append(f"{path}: the output does not compile")
    return problems


def _compiles(path: str, data: bytes) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compile(data, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError):
        return False
    return True


# --- comparing and updating ---------------------------------------------------------------------------


def _compare_single(
    case: SnapshotCase,
    before: Mapping[str, bytes],
    after: Mapping[str, bytes],
    report: CaseReport,
    update: bool,
) -> None:
    problems = report.problems
    original = before[case.filename]
    actual = after.get(case.filename)
    extra = sorted(set(after) - {case.filename})
    if extra:
        problems.append(f"the codemod created files a single-file case cannot expect: {extra}")
    if actual is None:
        problems.append(f"the codemod deleted {case.filename}")
        return
    expected_file = case.expected_path
    if update:
        _update_file(case, expected_file, None if actual == original else actual, report)
        return
    if not expected_file.exists():
        if actual != original:
            problems.append(
                "expected no change (no expected.py), but the codemod changed the file:\n"
                + _diff(case.filename, original, actual, "input", "actual")
            )
        return
    expected = expected_file.read_bytes()
    if expected == original:
        problems.append("expected.py equals input.py: delete it to make this a no-change case")
    elif actual == original:
        problems.append("the codemod changed nothing, but expected.py expects a change")
    elif actual != expected:
        problems.append(
            "output differs from expected.py:\n" + _diff(case.filename, expected, actual)
        )


def _update_file(
    case: SnapshotCase,
    target: Path,
    desired: bytes | None,
    report: CaseReport,
    *,
    allow_noop: bool = False,
) -> None:
    current = target.read_bytes() if target.exists() else None
    if desired == current:
        return
    if desired is not None and case.name.startswith("noop") and not allow_noop:
        report.problems.append(
            f"noop case changed by the codemod; not writing {target.name}:\n"
            + _diff(target.name, case.input_path.read_bytes(), desired, "input", "actual")
        )
        return
    if desired is None:
        target.unlink()
        report.written.append(f"removed {target} (nothing to expect)")
    else:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(desired)
        report.written.append(f"wrote {target}")


def _compare_folder(
    case: SnapshotCase,
    before: Mapping[str, bytes],
    after: Mapping[str, bytes],
    report: CaseReport,
    update: bool,
) -> None:
    problems = report.problems
    deleted = sorted(set(before) - set(after))
    if deleted:
        problems.append(f"the codemod deleted files: {deleted}")
    changed = {path: data for path, data in after.items() if before.get(path) != data}
    if update:
        _update_folder(case, before, changed, report)
        return
    expected = read_tree(case.expected_path) if case.expected_path.is_dir() else {}
    if case.expected_path.is_dir() and not changed:
        problems.append("the codemod changed nothing, but expected/ expects a change")
    for path, data in sorted(expected.items()):
        if before.get(path) == data:
            problems.append(f"expected/{path} equals input/{path}: only changed files belong there")
        if path not in after:
            problems.append(f"expected/{path} was not produced")
        elif after[path] != data:
            problems.append(
                f"{path} differs from expected/{path}:\n" + _diff(path, data, after[path])
            )
    for path in sorted(set(changed) - set(expected)):
        if path in before:
            problems.append(
                f"{path} must stay unchanged (not in expected/), but changed:\n"
                + _diff(path, before[path], after[path], "input", "actual")
            )
        else:
            problems.append(
                f"unexpected new file {path} (not in expected/):\n"
                + _diff(path, b"", after[path], "none", "actual")
            )


def _update_folder(
    case: SnapshotCase,
    before: Mapping[str, bytes],
    changed: Mapping[str, bytes],
    report: CaseReport,
) -> None:
    """Update mode for a folder case: ``expected/`` becomes exactly the changed files."""
    if case.name.startswith("noop") and changed:
        report.problems.append(
            f"noop case changed by the codemod; not writing expected/: {sorted(changed)}"
        )
        for path in sorted(changed):
            report.problems.append(
                _diff(path, before.get(path, b""), changed[path], "input", "actual")
            )
        return
    for path in sorted(set(read_tree(case.expected_path)) - set(changed)):
        _update_file(case, case.expected_path / path, None, report)
    for path, data in sorted(changed.items()):
        _update_file(case, case.expected_path / path, data, report)
    if case.expected_path.is_dir() and not any(case.expected_path.rglob("*")):
        shutil.rmtree(case.expected_path)
    elif case.expected_path.is_dir():
        _remove_empty_dirs(case.expected_path)


def _remove_empty_dirs(root: Path) -> None:
    for path in sorted(root.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def _diff(
    path: str, expected: bytes, actual: bytes, left: str = "expected", right: str = "actual"
) -> str:
    """A unified diff that also explains differences invisible in one (line endings, BOM, newline)."""
    notes: list[str] = []
    for label, probe in (
        ("BOM", _has_bom),
        ("CRLF count", _crlf_count),
        ("trailing newline", _ends_nl),
    ):
        if probe(expected) != probe(actual):
            notes.append(f"{label}: {left} {probe(expected)}, {right} {probe(actual)}")
    left_lines = [_show(line) for line in expected.splitlines(keepends=True)]
    right_lines = [_show(line) for line in actual.splitlines(keepends=True)]
    diff = list(
        difflib.unified_diff(
            left_lines, right_lines, f"{left}/{path}", f"{right}/{path}", lineterm=""
        )
    )
    if len(diff) > MAX_DIFF_LINES:
        diff = [*diff[:MAX_DIFF_LINES], f"... {len(diff) - MAX_DIFF_LINES} more diff lines"]
    return "\n".join([*(f"  ({note})" for note in notes), *diff])


def _show(line: bytes) -> str:
    """One line for a diff: undecodable bytes escaped, a CR made visible."""
    text = line.decode("utf-8", "backslashreplace").rstrip("\n")
    return text[:-1] + "\\r" if text.endswith("\r") else text


def _has_bom(data: bytes) -> bool:
    return data.startswith(b"\xef\xbb\xbf")


def _crlf_count(data: bytes) -> int:
    return data.count(b"\r\n")


def _ends_nl(data: bytes) -> bool:
    return data.endswith(b"\n")
