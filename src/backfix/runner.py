"""The engine: discover → prefilter → analyze (parallel) → plan → rewrite (parallel) → verify.

The runner owns everything codemods share: discovery, the process pool, the text prefilter, error
isolation (one bad file never stops a run) and output verification. It never writes files; sinks do.
"""

from __future__ import annotations

import functools
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from backfix.cache import FactsCache
from backfix.codemod import Codemod, Plan
from backfix.discovery import Workspace, discover
from backfix.project import AnalyzesForPlan, AnalyzesInParts, ProjectContext, template_folder
from backfix.python_target import lowest_python
from backfix.results import FileChange, FileError, FileFacts, RunResult, Violation
from backfix.source import SourceError, SourceFile, round_trip_loss, verify_output
from backfix.templating import TemplateError
from backfix.workers import RECURSION_LIMIT, Pool, ProgressFn


@dataclass(frozen=True)
class CodemodSpec:
    """A codemod class with its options: what is shipped to workers (never an instance)."""

    cls: type[Codemod]
    codemod_id: str
    options: tuple[tuple[str, Any], ...] = ()

    def create(self) -> Codemod:
        """A fresh instance (validates the options)."""
        self.cls.ID = self.codemod_id
        return self.cls(dict(self.options))


@dataclass(frozen=True)
class _AnalyzeTask:
    path: str
    abs_path: str
    specs: tuple[CodemodSpec, ...]
    rewrite_local: bool
    #: asked for by a plan (ProjectContext.facts_for): the codemod's ``analyze_for_plan`` if any.
    for_plan: bool = False
    #: with ``for_plan``, the part of the facts asked for (the codemod's ``analyze_part``); empty:
    #: the full facts
    part: str = ""


@dataclass(frozen=True)
class _AnalyzeOutcome:
    path: str
    facts: tuple[tuple[str, FileFacts], ...] = ()
    changes: tuple[tuple[str, FileChange], ...] = ()
    errors: tuple[FileError, ...] = ()
    parsed: bool = False


@dataclass(frozen=True)
class _RewriteTask:
    path: str
    abs_path: str
    spec: CodemodSpec
    edits: Any


@dataclass(frozen=True)
class _RewriteOutcome:
    path: str
    change: FileChange | None = None
    error: FileError | None = None


@dataclass
class RunOptions:
    """How to run: which codemods, where, how many workers, and whether to produce changes."""

    specs: Sequence[CodemodSpec]
    paths: Sequence[Path]
    exclude: Sequence[str] = ()
    jobs: int | None = None
    apply: bool = False
    only_files: Callable[[list[Violation]], set[str]] | None = None
    progress: ProgressFn | None = None
    config: dict[str, Any] = field(default_factory=dict)
    #: reuse analysis facts of unchanged files from the cache folder (see backfix.cache).
    cache: bool = False


_INSTANCES: dict[tuple[type[Codemod], str, str], Codemod] = {}


def _instance(spec: CodemodSpec) -> Codemod:
    """One instance per codemod and options per process (options may hold unhashable lists)."""
    key = (spec.cls, spec.codemod_id, repr(spec.options))
    if key not in _INSTANCES:
        _INSTANCES[key] = spec.create()
    return _INSTANCES[key]


def _error(path: str, exc: BaseException) -> FileError:
    if isinstance(exc, SourceError):
        return FileError(path, exc.line, exc.col + 1 if exc.line else 0, exc.kind, exc.message)
    if isinstance(exc, OSError):
        return FileError(path, 0, 0, "read-error", f"cannot read: {exc.strerror or exc}")
    if isinstance(exc, TemplateError):
        return FileError(path, 0, 0, "template-error", f"{exc} (rendering code for this file)")
    if isinstance(exc, RecursionError):
        return FileError(path, 0, 0, "too-deep", "too deeply nested to analyse or rewrite")
    if isinstance(exc, MemoryError):
        return FileError(path, 0, 0, "out-of-memory", "ran out of memory on this file")
    return FileError(
        path, 0, 0, "codemod-crash", f"{type(exc).__name__}: {exc}", traceback.format_exc()
    )


def _rewrite_source(
    codemod: Codemod, source: SourceFile, edits: Any
) -> tuple[FileChange | None, FileError | None]:
    try:
        new_module = codemod.rewrite(source, edits)
        after = new_module.bytes
    except Exception as exc:
        return None, _error(source.path, exc)
    if after == source.raw:
        return None, None
    if source.exists:
        loss = round_trip_loss(source.raw, source.module)
        if loss is not None:
            line, col = loss
            return None, FileError(
                source.path,
                line,
                col,
                "formatting-loss",
                "cannot be rewritten without losing formatting: LibCST does not reproduce this "
                "line exactly, so the file was left alone",
            )
    problem = verify_output(source.path, source.raw, after)
    if problem is not None:
        message = problem.message
        if problem.kind == "codemod-bug":
            message = f"{codemod.ID} produced invalid code: {message}"
        return None, FileError(source.path, 0, 0, problem.kind, message)
    before = source.raw if source.exists else None
    return FileChange(source.path, source.abs_path, before, after), None


def _analyze(task: _AnalyzeTask) -> _AnalyzeOutcome:
    try:
        raw = Path(task.abs_path).read_bytes()
    except OSError as exc:
        return _AnalyzeOutcome(task.path, errors=(_error(task.path, exc),))
    source = SourceFile(task.path, task.abs_path, raw)
    facts: list[tuple[str, FileFacts]] = []
    changes: list[tuple[str, FileChange]] = []
    errors: list[FileError] = []
    for spec in task.specs:
        codemod = _instance(spec)
        try:
            fact = _analysis(codemod, task)(source)
        except Exception as exc:
            errors.append(_error(task.path, exc))
            if isinstance(exc, SourceError):
                break  # the file itself is bad: every codemod would fail the same way
            continue
        facts.append((spec.codemod_id, fact))
        if task.rewrite_local and codemod.LOCAL and any(v.fixable for v in fact.violations):
            change, error = _rewrite_source(codemod, source, fact.data)
            if change is not None:
                changes.append((spec.codemod_id, change))
            if error is not None:
                errors.append(error)
    return _AnalyzeOutcome(task.path, tuple(facts), tuple(changes), tuple(errors), source.parsed)


def _analysis(codemod: Codemod, task: _AnalyzeTask) -> Callable[[SourceFile], FileFacts]:
    """The analysis a task runs: ``analyze``, or what a plan asked for."""
    if task.for_plan and task.part and isinstance(codemod, AnalyzesInParts):
        return functools.partial(codemod.analyze_part, part=task.part)
    if task.for_plan and isinstance(codemod, AnalyzesForPlan):
        return codemod.analyze_for_plan
    return codemod.analyze


def _rewrite(task: _RewriteTask) -> _RewriteOutcome:
    try:
        raw = Path(task.abs_path).read_bytes()
        exists = True
    except FileNotFoundError:
        raw, exists = b"", False
    except OSError as exc:
        return _RewriteOutcome(task.path, error=_error(task.path, exc))
    source = SourceFile(task.path, task.abs_path, raw, exists=exists)
    change, error = _rewrite_source(_instance(task.spec), source, task.edits)
    return _RewriteOutcome(task.path, change, error)


def _analyze_crashed(task: _AnalyzeTask, how: str) -> _AnalyzeOutcome:
    return _AnalyzeOutcome(task.path, errors=(_crash_error(task.path, how),))


def _rewrite_crashed(task: _RewriteTask, how: str) -> _RewriteOutcome:
    return _RewriteOutcome(task.path, error=_crash_error(task.path, how))


def _crash_error(path: str, how: str) -> FileError:
    return FileError(
        path,
        0,
        0,
        "crash",
        f"the process working on this file was {how} (LibCST's parser crashes on some "
        "pathological input, such as thousands of nested parentheses); the file was skipped",
    )


def _module_file(cls: type[Codemod]) -> str:
    return str(getattr(sys.modules.get(cls.__module__), "__file__", "") or "")


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def run(workspace: Workspace, options: RunOptions) -> RunResult:
    """Scan (and with ``options.apply``, rewrite) the files under ``options.paths``.

    The steps: collect (analyze every file, or take its facts from the cache) → merge (facts per
    codemod) → plan (per codemod, with the project model) → rewrite (planned files, formatted).
    """
    sys.setrecursionlimit(
        max(sys.getrecursionlimit(), RECURSION_LIMIT)
    )  # the plan phase parses too
    specs = list(options.specs)
    for spec in specs:
        spec.create()  # fail on bad options before touching any file
    discovery = discover(workspace, options.paths, options.exclude)
    result = RunResult(
        codemods=[s.codemod_id for s in specs], files_discovered=len(discovery.files)
    )
    result.notes.extend(discovery.notes)
    options = _with_project_options(workspace, options, discovery.files, result.notes)
    specs = list(options.specs)
    state = _RunState(
        workspace, options, result, options.jobs or default_jobs(), _cache(options, workspace)
    )
    if _whole_project(workspace, options.paths):
        # The plan's project model discovers the root as this run did: the same files.
        state.project_files = list(discovery.files)
    cached, outcomes = _collect(state, discovery.files)
    facts_by_codemod, local_changes = _merge(state, cached, outcomes)
    for spec in specs:
        plan, violations = _plan(state, spec, facts_by_codemod[spec.codemod_id])
        if options.apply:
            _apply(state, spec, plan, violations, local_changes[spec.codemod_id])
        else:
            result.violations.extend(violations)
    _unparsed_templates(result)
    _newer_python_note(workspace.root, result)
    result.violations.sort()
    result.fixed.sort()
    result.errors.sort()
    result.changes.sort(key=lambda c: c.path)
    return result


def _with_project_options(
    workspace: Workspace, options: RunOptions, files: Sequence[str], notes: list[str]
) -> RunOptions:
    """``options`` with each codemod's ``project_options`` added to its own (each note once)."""
    texts: dict[str, bytes | None] = {}

    def read(rel: str) -> bytes | None:
        if rel not in texts:
            try:
                texts[rel] = workspace.abs(rel).read_bytes()
            except OSError:
                texts[rel] = None
        return texts[rel]

    specs: list[CodemodSpec] = []
    for spec in options.specs:
        extra, found = spec.create().project_options(files, read)
        notes.extend(note for note in found if note not in notes)
        if extra:
            spec = replace(spec, options=tuple(sorted({**dict(spec.options), **extra}.items())))
        specs.append(spec)
    return replace(options, specs=specs)


def _unparsed_templates(result: RunResult) -> None:
    """The syntax errors of a project template's files (``import {{cookiecutter.name}}``) as
    one note per template instead: Jinja that generates code, no module of this project, which
    a run need not read (the template's files that parse are analysed as any other)."""
    kept: list[FileError] = []
    skipped: dict[str, int] = {}
    for error in result.errors:
        folder = template_folder(error.path)
        if folder and error.kind == "syntax-error":
            skipped[folder] = skipped.get(folder, 0) + 1
        else:
            kept.append(error)
    result.errors[:] = kept
    result.notes.extend(
        f"{folder}: {count} file(s) of this project template are not Python a parser reads "
        "(Jinja that generates code), so they were skipped"
        for folder, count in sorted(skipped.items())
    )


def _newer_python_note(root: Path, result: RunResult) -> None:
    """Where files could not be parsed and the project targets a newer Python than the one
    backfix runs on (3.14's ``except A, B:`` read by 3.11), a note that says which to run."""
    unparsed = {error.path for error in result.errors if error.kind == "syntax-error"}
    if not unparsed:
        return
    lowest, source = lowest_python(root)
    running = sys.version_info[:2]
    if lowest is None or lowest.release[:2] <= running:
        return
    target = ".".join(str(part) for part in lowest.release[:2])
    result.notes.append(
        f"the project targets Python {target} ({source}), and backfix runs on Python "
        f"{running[0]}.{running[1]}, whose parser may not read its newer syntax: "
        f"{len(unparsed)} file(s) could not be read; run backfix on Python {target} to read them"
    )


def _whole_project(workspace: Workspace, paths: Sequence[Path]) -> bool:
    """Whether ``paths`` (default: the current folder) name the workspace's root alone."""
    return [p.resolve() for p in (paths or [Path.cwd()])] == [workspace.root.resolve()]


@dataclass
class _RunState:
    """What the steps of one run share."""

    workspace: Workspace
    options: RunOptions
    result: RunResult
    jobs: int
    facts_cache: FactsCache | None
    cache_keys: dict[tuple[str, str], str] = field(default_factory=dict)
    project_files: list[str] | None = None

    @property
    def specs(self) -> list[CodemodSpec]:
        """The run's codemods."""
        return list(self.options.specs)

    def failed(self, path: str) -> bool:
        """Whether the run already reported an error for ``path``."""
        return any(error.path == path for error in self.result.errors)


def _cache(options: RunOptions, workspace: Workspace) -> FactsCache | None:
    if not options.cache:
        return None
    return FactsCache(workspace.root, tuple(sorted({_module_file(s.cls) for s in options.specs})))


def _collect(
    state: _RunState, files: list[str]
) -> tuple[list[tuple[str, FileFacts]], list[_AnalyzeOutcome]]:
    """Cached facts, and the outcomes of analysing every other file that a prefilter lets through."""
    cached: list[tuple[str, FileFacts]] = []
    tasks: list[tuple[int, _AnalyzeTask]] = []
    for rel in files:
        abs_path = state.workspace.abs(rel)
        try:
            raw = abs_path.read_bytes()
        except OSError as exc:
            state.result.errors.append(_error(rel, exc))
            continue
        wanted: list[CodemodSpec] = []
        answered = False
        for spec in state.specs:
            if not spec.cls.wants(raw):
                continue
            facts = _cached(state, spec, spec.codemod_id, rel, raw)
            local_fix = state.options.apply and spec.cls.LOCAL
            if facts is not None and not (local_fix and any(v.fixable for v in facts.violations)):
                cached.append((spec.codemod_id, facts))
                answered = True
            else:
                wanted.append(spec)
        if answered and not wanted:
            state.result.files_cached += 1
        if wanted:
            task = _AnalyzeTask(rel, str(abs_path), tuple(wanted), state.options.apply)
            tasks.append((len(raw), task))
    # Biggest files first: the slowest 5% of files take about half of the parse time.
    tasks.sort(key=lambda item: -item[0])
    pool = Pool(_analyze, _analyze_crashed, state.jobs, "analyze", state.options.progress)
    return cached, pool.run([t for _, t in tasks])


def _cached(
    state: _RunState, spec: CodemodSpec, cache_id: str, rel: str, raw: bytes
) -> FileFacts | None:
    """The cached facts of one file (remembering the key, to store fresh facts under it)."""
    if state.facts_cache is None:
        return None
    key = state.facts_cache.key(cache_id, repr(spec.options), rel, raw)
    state.cache_keys[(cache_id, rel)] = key
    return state.facts_cache.get(key)


def _store(state: _RunState, cache_id: str, path: str, facts: FileFacts) -> None:
    if state.facts_cache is not None:
        state.facts_cache.put(state.cache_keys[(cache_id, path)], facts)


def _merge(
    state: _RunState, cached: list[tuple[str, FileFacts]], outcomes: list[_AnalyzeOutcome]
) -> tuple[dict[str, list[FileFacts]], dict[str, list[FileChange]]]:
    """Facts per codemod (sorted by path), and the changes of local codemods per codemod."""
    facts_by_codemod: dict[str, list[FileFacts]] = {s.codemod_id: [] for s in state.specs}
    local_changes: dict[str, list[FileChange]] = {s.codemod_id: [] for s in state.specs}
    for codemod_id, fact in cached:
        facts_by_codemod[codemod_id].append(fact)
    for outcome in outcomes:
        state.result.errors.extend(outcome.errors)
        state.result.files_parsed += outcome.parsed
        for codemod_id, fact in outcome.facts:
            facts_by_codemod[codemod_id].append(fact)
            _store(state, codemod_id, outcome.path, fact)
        for codemod_id, change in outcome.changes:
            local_changes[codemod_id].append(change)
    for found in facts_by_codemod.values():
        found.sort(key=lambda fact: fact.path)
    return facts_by_codemod, local_changes


def _plan(
    state: _RunState, spec: CodemodSpec, facts: list[FileFacts]
) -> tuple[Plan, list[Violation]]:
    """One codemod's plan, and its violations (narrowed to the batch with ``only_files``)."""
    codemod = _instance(spec)
    project = ProjectContext(
        root=str(state.workspace.root),
        config=state.options.config,
        paths=tuple(state.workspace.rel(p) for p in state.options.paths or [Path.cwd()]),
        engine=_ProjectEngine(state, spec),
    )
    plan = codemod.plan(facts, project)
    state.result.notes.extend(plan.notes)
    state.result.assumptions.extend(plan.assumptions)
    violations = plan.violations
    if state.options.only_files is None:
        return plan, violations
    chosen = state.options.only_files(violations)
    with_violations = {v.path for v in violations}
    if not codemod.LOCAL:
        # Plan again for the batch alone, so nothing is written for files outside it.
        plan = codemod.plan(facts, replace(project, batch=frozenset(chosen)))
        violations = plan.violations
    violations = [v for v in violations if v.path in chosen]
    # A batch drops the edits of files whose own violations wait for a later batch; files
    # edited only as a consequence (new service modules, callers that gain an `await`) stay.
    plan.edits = {p: e for p, e in plan.edits.items() if p in chosen or p not in with_violations}
    return plan, violations


def _apply(
    state: _RunState,
    spec: CodemodSpec,
    plan: Plan,
    violations: list[Violation],
    local_changes: list[FileChange],
) -> None:
    """Rewrite the planned files (or take the local rewrites), format them, settle the violations."""
    result = state.result
    if spec.cls.LOCAL:
        changes = [c for c in local_changes if c.path in plan.edits]
    else:
        changes = _rewrite_planned(
            spec, plan.edits, state.workspace, state.jobs, state.options, result
        )
    changes = _format(changes, state.workspace, state.jobs, state.options, result)
    changed = {c.path for c in changes}
    for violation in violations:
        fixed = violation.fixable and violation.path in changed
        (result.fixed if fixed else result.violations).append(violation)
    result.changes.extend(changes)


class _ProjectEngine:
    """The runner's side of one codemod's :class:`ProjectContext`: discovery and lazy analysis."""

    def __init__(self, state: _RunState, spec: CodemodSpec) -> None:
        self.state = state
        self.spec = spec
        self.cache_id = f"{spec.codemod_id}:plan"
        #: the facts of each file asked for so far (None: none to give), by part ("": the full facts)
        self.known: dict[str, dict[str, FileFacts | None]] = {"": {}}

    def files(self) -> list[str]:
        """Every Python file of the project, discovered as the run discovers its paths."""
        state = self.state
        if state.project_files is None:
            root = state.workspace.root
            # Every file a plan may read: migration scripts import the project's modules too.
            state.project_files = discover(
                state.workspace, [root], state.options.exclude, migrations=True
            ).files
        return list(state.project_files)

    def facts_for(self, paths: Sequence[str], part: str = "") -> dict[str, FileFacts]:
        """Analyse the files not analysed yet (in the pool, through the cache), then look them up.

        With ``part``, a file whose full facts the run holds gets those (they hold the part)."""
        known = self.known.setdefault(part, {})
        tasks: list[_AnalyzeTask] = []
        for rel in paths:
            if self._asked(rel, part):
                continue
            known[rel] = None
            task = self._task(rel, part)
            if task is not None:
                tasks.append(task)
        if tasks:
            prepare_forks()
        pool = Pool(_analyze, _analyze_crashed, self.state.jobs, "analyze", None)
        for outcome in pool.run(tasks):
            for error in outcome.errors:
                self.report_error(error)
            for _, fact in outcome.facts:
                known[outcome.path] = fact
                _store(self.state, self._cache_id(part), outcome.path, fact)
        return self._held(paths, part)

    def cached_facts(self, paths: Sequence[str], part: str = "") -> dict[str, FileFacts]:
        """The facts of ``paths`` analysed already or in the cache; the others are left for later.

        With ``part``, a file whose full facts the run holds gets those (as in facts_for)."""
        state = self.state
        known = self.known.setdefault(part, {})
        for rel in paths:
            if self._asked(rel, part) or state.facts_cache is None or state.failed(rel):
                continue
            try:
                raw = state.workspace.abs(rel).read_bytes()
            except OSError:
                continue  # facts_for reports it, if the plan asks for the file
            cached = _cached(state, self.spec, self._cache_id(part), rel, raw)
            if cached is not None:
                known[rel] = cached
        return self._held(paths, part)

    def _asked(self, rel: str, part: str) -> bool:
        """Whether ``rel`` was asked for under ``part`` already, or its full facts stand in."""
        return rel in self.known[part] or bool(part and self.known[""].get(rel) is not None)

    def _held(self, paths: Sequence[str], part: str) -> dict[str, FileFacts]:
        """The facts the run holds for ``paths`` under ``part``: the full facts where it has them."""
        full, known = self.known[""], self.known[part]
        return {p: f for p in paths if (f := full.get(p) or known.get(p)) is not None}

    def report_error(self, error: FileError) -> None:
        """A per-file error of the plan's analyses or of the plan itself, once per file."""
        if not self.state.failed(error.path):
            self.state.result.errors.append(error)

    def _cache_id(self, part: str) -> str:
        """Where the facts of ``part`` are cached: apart from the full facts, which they cannot
        stand in for."""
        return f"{self.cache_id}:{part}" if part else self.cache_id

    def _task(self, rel: str, part: str) -> _AnalyzeTask | None:
        """The analysis of one file, or None when its facts are cached or the file already failed."""
        if self.state.failed(rel):
            return None
        abs_path = self.state.workspace.abs(rel)
        try:
            raw = abs_path.read_bytes()
        except OSError as exc:
            self.state.result.errors.append(_error(rel, exc))
            return None
        cached = _cached(self.state, self.spec, self._cache_id(part), rel, raw)
        if cached is not None:
            self.known[part][rel] = cached
            return None
        return _AnalyzeTask(rel, str(abs_path), (self.spec,), False, for_plan=True, part=part)


def prepare_forks() -> None:
    """Answer, in this process, the checks each LibCST helper makes once per process.

    A plan asks for files one or a few at a time as names lead to them, and each request forks a
    pool of its own: every worker forked before the checks ran here answered them again (parsing and
    walking their samples: about a tenth of a second each time). Forked after, the workers inherit
    the answers. The checks parse fixed samples only.
    """
    from backfix import cst_parse, cst_positions, cst_walk

    cst_parse.skips_validation()
    cst_positions.exact()
    cst_walk.trusted()


def _format(
    changes: list[FileChange],
    workspace: Workspace,
    jobs: int,
    options: RunOptions,
    result: RunResult,
) -> list[FileChange]:
    """The changes with their changed lines formatted as the project formats code (see formatting)."""
    from backfix.formatting import format_changes  # only a run that writes loads the formatter

    mode = options.config.get("format")
    formatted, notes = format_changes(
        changes, mode, root=workspace.root, jobs=jobs, progress=options.progress
    )
    result.notes.extend(notes)
    return formatted


def _rewrite_planned(
    spec: CodemodSpec,
    edits: dict[str, Any],
    workspace: Workspace,
    jobs: int,
    options: RunOptions,
    result: RunResult,
) -> list[FileChange]:
    """Rewrite every planned file; all or nothing, since the files depend on each other."""
    tasks = [
        _RewriteTask(path, str(workspace.abs(path)), spec, file_edits)
        for path, file_edits in sorted(edits.items())
    ]
    outcomes = Pool(_rewrite, _rewrite_crashed, jobs, "rewrite", options.progress).run(tasks)
    errors = sorted(o.error for o in outcomes if o.error is not None)
    if errors:
        result.errors.extend(errors)
        result.notes.append(
            f"{spec.codemod_id}: no file was changed because {len(errors)} planned rewrite(s) failed"
        )
        return []
    return sorted((o.change for o in outcomes if o.change is not None), key=lambda c: c.path)
