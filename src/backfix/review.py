"""A run's file changes split into *changes*, the units a person accepts or skips, each with a tier.

What one change is (docs/review.md explains it to users):

* for a codemod that fixes each file on its own (``bare-except``), the hunks of one violation in one
  file. Hunks that belong to no single violation (an added ``import logging``, a new module logger)
  are *shared*: they go with every change of the file that does not hold up without them. Which ones
  need them is checked, not guessed: the file with only that change's hunks must compile and must not
  use a name that neither the original nor the fully fixed file leaves undefined. When one change of
  a file does not hold up even with the shared hunks, the whole file is one change. Whatever is
  finally accepted is checked the same way before anything is written (``keep``).
* for a cross-file codemod (``move-commits``, ``async-queries``), a file with violations together with
  the changed files it imports (a route file and its new or extended service module), whole files.
  When the run turned an existing function into a coroutine, its callers anywhere depend on it, so
  every file of the run is one change; so is a changed file nobody among them imports.

A change's tier is the least safe tier of its violations (``safe`` < ``review``).
"""

from __future__ import annotations

import ast
import builtins
import functools
import keyword
import re
import symtable
import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from backfix.diff import unified_diff
from backfix.results import REVIEW, SAFE, TIERS, FileChange, RunResult, Violation
from backfix.source import declared_encoding, verify_output

#: re-analysis of a partly accepted file: (path, abs_path, content) → the violations still in it
Analyze = Callable[[str, str, bytes], list[Violation]]

_MODULE_NAMES = frozenset(dir(builtins)) | {
    "__file__",
    "__name__",
    "__doc__",
    "__spec__",
    "__loader__",
    "__package__",
    "__builtins__",
    "__path__",
    "__cached__",
    "__annotations__",
}


def split_lines(data: bytes) -> list[bytes]:
    """``data`` cut after every ``\\n`` (as the diffs cut it); joining the parts gives ``data`` back."""
    parts = data.split(b"\n")
    lines = [part + b"\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


@dataclass(eq=False)
class Hunk:
    """Lines ``start:end`` of the original file (0-based) become ``new``; ``new`` changes on edit."""

    path: str
    start: int
    end: int
    new: list[bytes]


@dataclass
class FilePlan:
    """One changed file: its lines before and after, and its hunks in order."""

    change: FileChange
    before: list[bytes]
    after: list[bytes]
    hunks: list[Hunk]

    @property
    def path(self) -> str:
        """Repository-relative path."""
        return self.change.path

    @functools.cached_property
    def imported(self) -> frozenset[str]:
        """The modules the new content imports (see ``_imported_modules``)."""
        return frozenset(_imported_modules(self))

    @functools.cached_property
    def undefined(self) -> frozenset[str] | None:
        """Names the original or the fully fixed file leaves undefined; None when unknown."""
        before = _undefined(self.change.before or b"")
        after = _undefined(self.change.after)
        return None if before is None or after is None else before | after

    def content(self, hunks: Iterable[Hunk]) -> bytes:
        """The original bytes with ``hunks`` applied (every other byte kept as it was)."""
        out: list[bytes] = []
        position = 0
        for hunk in sorted(set(hunks), key=lambda h: (h.start, h.end)):
            out.extend(self.before[position : hunk.start])
            out.extend(hunk.new)
            position = hunk.end
        out.extend(self.before[position:])
        return b"".join(out)


@dataclass(eq=False)
class Change:
    """One decision: hunks of one or more files, the violations they fix, the hunks they need."""

    number: int
    codemod: str
    files: tuple[str, ...]
    hunks: list[Hunk]
    violations: tuple[Violation, ...]
    #: shared hunks (imports, a new logger) written whenever this change is
    support: list[Hunk] = field(default_factory=list)
    edited: bool = False

    @property
    def tier(self) -> str:
        """The least safe tier among its violations."""
        tiers = {v.safety for v in self.violations}
        return next((t for t in reversed(TIERS) if t in tiers), REVIEW)

    @property
    def all_hunks(self) -> list[Hunk]:
        """Its own hunks and the shared ones it needs."""
        return [*self.hunks, *self.support]


@dataclass
class Review:
    """The changes of one apply run, in file and line order."""

    codemod: str
    files: dict[str, FilePlan]
    changes: list[Change]

    def content(self, path: str, accepted: Iterable[Change]) -> bytes:
        """What ``path`` holds when exactly ``accepted`` are written."""
        plan = self.files[path]
        return plan.content(h for c in accepted for h in c.all_hunks if h.path == path)

    def diff(self, change: Change, context: int = 3) -> str:
        """The unified diff of ``change`` alone, file by file."""
        texts = []
        for path in change.files:
            plan = self.files[path]
            after = self.content(path, [change])
            change_alone = FileChange(path, plan.change.abs_path, plan.change.before, after)
            texts.append(unified_diff(change_alone, context))
        return "".join(texts)

    def problem(self, accepted: Sequence[Change], path: str) -> str | None:
        """Why ``path`` with only ``accepted`` written would be broken, or None."""
        plan = self.files[path]
        return _problem(plan, self.content(path, accepted))


def file_plan(change: FileChange) -> FilePlan:
    """Split ``change`` into hunks of consecutive changed lines."""
    before = split_lines(change.before or b"")
    after = split_lines(change.after)
    hunks: list[Hunk] = []
    matcher = SequenceMatcher(None, before, after)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if hunks and hunks[-1].end == i1:
            hunks[-1].end = i2
            hunks[-1].new.extend(after[j1:j2])
        else:
            hunks.append(Hunk(change.path, i1, i2, list(after[j1:j2])))
    return FilePlan(change, before, after, hunks)


def build(result: RunResult, local: bool, check: bool = True) -> Review:
    """The changes of ``result`` (one codemod's apply run), numbered from 1.

    ``check=False`` skips the checks that decide which changes need the shared hunks (and which
    files are one change): enough to label a diff, not to write a part of it.
    """
    codemod = result.codemods[0] if result.codemods else ""
    files = {c.path: file_plan(c) for c in sorted(result.changes, key=lambda c: c.path)}
    fixed: dict[str, list[Violation]] = {}
    for violation in result.fixed:
        fixed.setdefault(violation.path, []).append(violation)
    changes: list[Change] = []
    if local:
        for plan in files.values():
            changes += _local_changes(codemod, plan, fixed.get(plan.path, []), check)
    else:
        for unit in _units(list(files.values()), set(fixed)):
            hunks = [h for plan in unit for h in plan.hunks]
            found = tuple(v for plan in unit for v in fixed.get(plan.path, []))
            changes.append(Change(0, codemod, tuple(p.path for p in unit), hunks, found))
    for number, change in enumerate(changes, 1):
        change.number = number
    return Review(codemod, files, changes)


# --- per-file codemods: one change per violation --------------------------------------------------


def _local_changes(
    codemod: str, plan: FilePlan, violations: list[Violation], check: bool
) -> list[Change]:
    whole = [Change(0, codemod, (plan.path,), list(plan.hunks), tuple(sorted(violations)))]
    if plan.change.before is None or len(violations) < 2:
        return whole
    split = _split(plan, violations)
    if split is None:
        return whole  # a violation whose line no hunk touches: no way to tell its hunks apart
    groups, shared = split
    changes = [
        Change(0, codemod, (plan.path,), own, found, support=shared) for own, found in groups
    ]
    # Without shared hunks each change stands alone; what is finally written is checked in `keep`.
    if shared and check and not _settle_support(plan, changes, shared):
        return whole
    return sorted(changes, key=lambda c: c.hunks[0].start)


def _split(
    plan: FilePlan, violations: list[Violation]
) -> tuple[list[tuple[list[Hunk], tuple[Violation, ...]]], list[Hunk]] | None:
    """The hunks and violations of each group (violations sharing a hunk decide together), and the
    hunks on no violation's line (shared). None when a violation's line is in no hunk."""
    owners = [_on_lines(hunk, violations) for hunk in plan.hunks]
    if {n for owned in owners for n in owned} != set(range(len(violations))):
        return None
    links = ((owned[0], other) for owned in owners for other in owned[1:])
    group_of = _connected(len(violations), links)
    owned_hunks = [
        (h, group_of[owned[0]]) for h, owned in zip(plan.hunks, owners, strict=True) if owned
    ]
    groups = [
        (
            [h for h, owner in owned_hunks if owner == group],
            tuple(sorted(v for n, v in enumerate(violations) if group_of[n] == group)),
        )
        for group in sorted(set(group_of))
    ]
    shared = [h for h, owned in zip(plan.hunks, owners, strict=True) if not owned]
    return groups, shared


def _on_lines(hunk: Hunk, violations: list[Violation]) -> list[int]:
    """The indexes of the violations on the lines ``hunk`` replaces (or where it inserts)."""
    return [
        n
        for n, v in enumerate(violations)
        if hunk.start <= v.line - 1 < max(hunk.end, hunk.start + 1)
    ]


def _settle_support(plan: FilePlan, changes: list[Change], shared: list[Hunk]) -> bool:
    """Drop the shared hunks from each change that is valid without them; False when a change is
    not valid even with them (the file is then one change)."""
    for change in changes:
        if _problem(plan, plan.content(change.hunks), change.hunks) is None:
            change.support = []
        elif _problem(plan, plan.content(change.all_hunks)) is not None:
            return False
    if not any(c.support for c in changes):
        for change in changes:  # needed by none alone: written with whichever is accepted
            change.support = shared
    return True


def _connected(count: int, links: Iterable[tuple[int, int]]) -> list[int]:
    """Per item (0 to ``count - 1``), a representative of its group; ``links`` join two items."""
    parent = list(range(count))

    def root(n: int) -> int:
        while parent[n] != n:
            n = parent[n]
        return n

    for first, other in links:
        parent[root(other)] = root(first)
    return [root(n) for n in range(count)]


def _problem(plan: FilePlan, content: bytes, hunks: Sequence[Hunk] | None = None) -> str | None:
    """Why ``content`` (``plan``'s original with ``hunks``) must not be written, or None."""
    before = plan.change.before or b""
    problem = verify_output(plan.path, before, content)
    if problem is not None:
        return problem.message
    if hunks is not None and all(_same_names(plan, hunk) for hunk in hunks):
        return None
    known = plan.undefined
    now = _undefined(content)
    if known is None or now is None:
        return "cannot tell which names it uses"
    missing = sorted(now - known)
    if missing:
        return f"it would use {', '.join(missing)} without defining or importing it"
    return None


_WORD = re.compile(rb"[A-Za-z_]\w*")
_BUILTIN_WORDS = frozenset(name.encode() for name in [*dir(builtins), *keyword.kwlist])


def _same_names(plan: FilePlan, hunk: Hunk) -> bool:
    """True when ``hunk`` neither drops a word of the lines it replaces nor adds one but a builtin:
    then it cannot read or unbind a name differently (``except:`` → ``except BaseException:``)."""
    old = set(_WORD.findall(b"".join(plan.before[hunk.start : hunk.end])))
    new = set(_WORD.findall(b"".join(hunk.new)))
    return old <= new and new - old <= _BUILTIN_WORDS


def _undefined(data: bytes) -> frozenset[str] | None:
    """Names the module reads but never binds (at module level or as builtins); None if unknown."""
    text = data.decode(declared_encoding(data), errors="replace")
    if re.search(r"\bimport\s*\*", text):
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            top = symtable.symtable(text, "<review>", "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
    defined: set[str] = set()
    used: set[str] = set()
    pending: list[tuple[symtable.SymbolTable, bool]] = [(top, True)]
    while pending:
        table, module_level = pending.pop()
        for symbol in table.get_symbols():
            name = symbol.get_name()
            binds = symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace()
            if binds and (module_level or symbol.is_declared_global()):
                defined.add(name)
            elif symbol.is_referenced() and (module_level or symbol.is_global()):
                used.add(name)
        pending.extend((child, False) for child in table.get_children())
    return frozenset(used - defined - _MODULE_NAMES)


# --- cross-file codemods: a file with the files it imports ----------------------------------------


def _units(plans: list[FilePlan], with_violations: set[str]) -> list[list[FilePlan]]:
    """Files that must be written together: import links, or everything when a def became async.

    A new package ``__init__.py`` is shared: it goes with every unit that imports its package, and
    does not tie those units together.
    """
    if not plans:
        return []
    inits = [p for p in plans if p.change.before is None and p.path.endswith("__init__.py")]
    others = [p for p in plans if p not in inits]
    if not others or any(_made_async(plan) for plan in plans):
        return [plans]
    units = _import_groups(others)
    if not all(any(p.path in with_violations for p in unit) for unit in units):
        return [plans]  # a changed file no file with violations imports
    for init in inits:
        _add_init(units, init)
    return sorted(
        (sorted(unit, key=lambda p: (p.path not in with_violations, p.path)) for unit in units),
        key=lambda unit: unit[0].path,
    )


def _add_init(units: list[list[FilePlan]], init: FilePlan) -> None:
    """A new ``__init__.py`` goes with every unit that imports its package (all when none does)."""
    users = [unit for unit in units if any(_imports(p, init) for p in unit)]
    for unit in users or units:
        unit.append(init)


def _import_groups(plans: list[FilePlan]) -> list[list[FilePlan]]:
    """``plans`` grouped by import links (a file with the files it imports, transitively)."""
    links = (
        (i, j)
        for i, plan in enumerate(plans)
        for j, other in enumerate(plans)
        if other is not plan and _imports(plan, other)
    )
    groups: dict[int, list[FilePlan]] = {}
    for plan, group in zip(plans, _connected(len(plans), links), strict=True):
        groups.setdefault(group, []).append(plan)
    return list(groups.values())


_DEF = re.compile(rb"^[ \t]*def[ \t]+(\w+)", re.MULTILINE)
_ASYNC_DEF = re.compile(rb"^[ \t]*async[ \t]+def[ \t]+(\w+)", re.MULTILINE)


def _made_async(plan: FilePlan) -> bool:
    """True when a function the file defined with ``def`` is now an ``async def``."""
    before = plan.change.before or b""
    was_sync = set(_DEF.findall(before)) - set(_ASYNC_DEF.findall(before))
    return bool(was_sync & set(_ASYNC_DEF.findall(plan.change.after)))


def _dotted(path: str) -> str:
    """``app/services/job_service.py`` → ``app.services.job_service``; a package → its folder."""
    parts = path.removesuffix(".py").split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(plan: FilePlan, other: FilePlan) -> bool:
    """True when ``plan`` imports ``other``'s module (matched by its dotted path's tail)."""
    target = _dotted(other.path)
    return any(target == m or target.endswith("." + m) for m in plan.imported)


def _imported_modules(plan: FilePlan) -> set[str]:
    """Every module the file imports (and their packages), relative imports resolved by its path."""
    try:
        tree = ast.parse(plan.change.after)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set()
    package = _dotted(plan.path).split(".")
    if not plan.path.endswith("__init__.py"):
        package = package[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}".lstrip(".") for alias in node.names)
    # Importing a.b.c runs a and a.b too.
    return {".".join(m.split(".")[:n]) for m in found if m for n in range(1, m.count(".") + 2)}


# --- keeping what was accepted --------------------------------------------------------------------


def keep(
    review: Review, result: RunResult, accepted: Sequence[Change], analyze: Analyze, local: bool
) -> None:
    """Make ``result`` hold only ``accepted``: their file contents, fixes and what stays open.

    A file whose accepted hunks do not make a valid file (which the per-change checks make rare)
    is left unchanged, with every change touching it, and a note says so.
    """
    chosen = _valid_only(review, list(accepted), result.notes)
    written = set(_paths(chosen))
    changes: list[FileChange] = []
    fixed: list[Violation] = []
    remaining = [v for v in [*result.violations, *result.fixed] if v.path not in written]
    for path in sorted(written):
        plan = review.files[path]
        content = review.content(path, chosen)
        if content != plan.change.before:
            changes.append(FileChange(path, plan.change.abs_path, plan.change.before, content))
        mine = [c for c in chosen if path in c.files]
        found, left, analysed = _file_fixes(plan, content, mine, result, analyze, local)
        fixed += found
        remaining += left
        if analysed:
            result.found_after_change.add(path)
    result.changes = sorted(changes, key=lambda c: c.path)
    result.fixed = sorted(fixed)
    result.violations = sorted(remaining)


def _file_fixes(
    plan: FilePlan,
    content: bytes,
    mine: Sequence[Change],
    result: RunResult,
    analyze: Analyze,
    local: bool,
) -> tuple[list[Violation], list[Violation], bool]:
    """The violations of ``plan``'s file that ``content`` (its accepted changes ``mine``) fixes,
    and those it leaves; analysed again unless it is the run's own output. The flag says whether
    those left were found in ``content`` (at their lines there)."""
    wanted = [v for c in mine for v in c.violations if v.path == plan.path]
    original = [v for v in [*result.fixed, *result.violations] if v.path == plan.path]
    if content == plan.change.after and not any(c.edited for c in mine):
        return wanted, [v for v in original if v not in wanted], False
    return _recount(plan, content, wanted, original, analyze, local)


def _valid_only(review: Review, chosen: list[Change], notes: list[str]) -> list[Change]:
    """``chosen`` without the changes of files they would leave broken."""
    while True:
        for path in _paths(chosen):
            message = review.problem(chosen, path)
            if message is not None:
                chosen = [c for c in chosen if path not in c.files]
                notes.append(
                    f"{path}: left unchanged, the accepted changes alone would not be valid: "
                    f"{message}"
                )
                break
        else:
            return chosen


def _paths(changes: Sequence[Change]) -> list[str]:
    return sorted({path for change in changes for path in change.files})


def _recount(
    plan: FilePlan,
    content: bytes,
    wanted: list[Violation],
    original: list[Violation],
    analyze: Analyze,
    local: bool,
) -> tuple[list[Violation], list[Violation], bool]:
    """(fixed, still open, found in ``content``) for a file written in part or as a person
    edited it.

    The file is analysed again: only as many of the accepted violations count as fixed as actually
    disappeared. For a per-file codemod, what the new analysis finds is what stays open (with its
    new lines); a cross-file codemod's open violations keep the reasons its plan gave them.
    """
    try:
        found_now = analyze(plan.path, plan.change.abs_path, content)
    except Exception:  # the content is valid Python: count nothing fixed rather than guess
        return [], original, False
    gone = max(0, len(original) - len(found_now))
    if gone >= len(wanted):
        fixed = list(wanted)
    else:
        still = {v.fingerprint for v in found_now}
        fixed = [v for v in wanted if v.fingerprint not in still][:gone]
    if local:
        return fixed, found_now, True
    return fixed, [v for v in original if v not in fixed], False


def tier_counts(violations: Iterable[Violation]) -> dict[str, int]:
    """How many of ``violations`` are in each tier."""
    counts = dict.fromkeys(TIERS, 0)
    for violation in violations:
        counts[violation.safety] += 1
    return counts


__all__ = ["SAFE", "Change", "FilePlan", "Hunk", "Review", "build", "keep", "split_lines"]
