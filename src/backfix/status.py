"""Where a migration stands: the ledger's records merged per file into baseline, current, fixed, next.

Merging: records are replayed in file order; for each codemod, a record replaces what earlier records
said about every file it covered (see ``Record.covers``) and leaves the other files as they were.

Numbers per codemod:
    * ``baseline``: the count after the first record that holds the codemod;
    * ``current``: the count after the last one;
    * ``fixed``: recorded violations that have since disappeared, counted by their path-independent key,
      so a renamed file moves its violations instead of fixing them, and a violation that appeared
      after the baseline and was then fixed counts too;
    * ``moved``: violations another codemod carried into another file (move-commits moving a
      route's query into a service module): between two records of this codemod, a violation
      vanished from a file another codemod's apply rewrote while one with the same message appeared
      in another file; it counts as the same violation, moved, not as fixed plus a new one;
    * ``percent``: ``fixed / (fixed + current)``;
    * ``manual``: current violations a person must handle (not auto-fixable).

Next targets are the files with fixable violations, ranked by ``fewest`` (least complex first: fewest
violations and manual-review items; the default), ``most`` or ``path``; ``apply --max-files`` uses the
same ranking to choose a batch.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from backfix.ledger import Entry, Record
from backfix.results import TIERS, Violation

RANKINGS = ("fewest", "most", "path")
DEFAULT_RANKING = "fewest"
COMPLEXITY_ORDER = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class FileRow:
    """What remains in one file."""

    path: str
    count: int
    fixable: int
    manual: int

    @property
    def complexity(self) -> str:
        """low / medium / high: more violations, and manual-review items especially, cost more."""
        score = self.count + 2 * self.manual
        return "low" if score <= 2 else "medium" if score <= 5 else "high"

    def to_json(self) -> dict[str, Any]:
        """The shape used by ``status --format json``."""
        return {
            "path": self.path,
            "count": self.count,
            "fixable": self.fixable,
            "manual": self.manual,
            "complexity": self.complexity,
        }


@dataclass(frozen=True)
class HistoryPoint:
    """The merged count after one record; ``record`` is that record's position in the ledger."""

    record: int
    timestamp: str
    commit: str | None
    command: str
    count: int
    batch_fixed: int

    def to_json(self) -> dict[str, Any]:
        """The shape used in JSON output."""
        return {
            "record": self.record,
            "timestamp": self.timestamp,
            "commit": self.commit,
            "command": self.command,
            "count": self.count,
            "batch_fixed": self.batch_fixed,
        }


@dataclass(frozen=True)
class CodemodStatus:
    """One codemod's progress."""

    codemod: str
    baseline: int
    current: int
    fixed: int
    manual: int
    files: list[FileRow] = field(default_factory=list)
    next: list[FileRow] = field(default_factory=list)
    history: list[HistoryPoint] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    moved: int = 0

    @property
    def tiers(self) -> dict[str, int]:
        """Current violations per safety tier: ``safe``, ``review`` and ``manual``."""
        counts = dict.fromkeys(TIERS, 0)
        for entry in self.entries:
            counts[entry.safety] += 1
        return counts

    @property
    def percent(self) -> int:
        """How much of the known work is done, rounded down (100 when nothing was ever found)."""
        total = self.fixed + self.current
        return 100 if total == 0 else (100 * self.fixed) // total

    def to_json(self) -> dict[str, Any]:
        """The shape of ``status --format json``."""
        return {
            "baseline": self.baseline,
            "current": self.current,
            "fixed": self.fixed,
            "percent": self.percent,
            "manual": self.manual,
            "moved": self.moved,
            "tiers": self.tiers,
            "files": [row.to_json() for row in self.files],
            "next": [row.to_json() for row in self.next],
            "history": [point.to_json() for point in self.history],
        }


def rows(items: Iterable[Entry | Violation]) -> list[FileRow]:
    """One row per file with its counts, sorted by path."""
    total: Counter[str] = Counter()
    fixable: Counter[str] = Counter()
    for item in items:
        total[item.path] += 1
        fixable[item.path] += item.fixable
    return [
        FileRow(path, total[path], fixable[path], total[path] - fixable[path])
        for path in sorted(total)
    ]


def rank(file_rows: Iterable[FileRow], strategy: str = DEFAULT_RANKING) -> list[FileRow]:
    """Files with fixable violations, best next target first."""
    candidates = [row for row in file_rows if row.fixable]
    if strategy == "fewest":
        return sorted(
            candidates,
            key=lambda r: (COMPLEXITY_ORDER[r.complexity], r.count, r.manual, r.path),
        )
    if strategy == "most":
        return sorted(candidates, key=lambda r: (-r.fixable, r.path))
    if strategy == "path":
        return sorted(candidates, key=lambda r: r.path)
    raise ValueError(f"unknown ranking {strategy!r} (known: {', '.join(RANKINGS)})")


def select_batch(
    violations: Sequence[Violation], max_files: int, strategy: str = DEFAULT_RANKING
) -> set[str]:
    """The next ``max_files`` source files with fixable violations, in ranking order."""
    return {row.path for row in rank(rows(violations), strategy)[:max_files]}


def _merge_step(state: dict[str, tuple[Entry, ...]], record: Record, codemod: str) -> None:
    for path in [p for p in state if record.covers(p)]:
        del state[path]
    for path, entries in record.codemods[codemod].files.items():
        if entries:
            state[path] = tuple(entries)


def merged(records: Iterable[Record], codemod: str) -> dict[str, tuple[Entry, ...]]:
    """The current violations of ``codemod`` by file, after replaying ``records``."""
    state: dict[str, tuple[Entry, ...]] = {}
    for record in records:
        if codemod in record.codemods:
            _merge_step(state, record, codemod)
    return state


def rewritten_by_others(record: Record, codemod: str) -> set[str]:
    """Files whose violations another codemod's apply in ``record`` fixed (so it rewrote them)."""
    return {
        entry.path
        for cid, other in record.codemods.items()
        if cid != codemod
        for entry in other.fixed
    }


def rewritten_since(records: Sequence[Record], codemod: str) -> set[str]:
    """Files other codemods' applies rewrote after the latest record that holds ``codemod``."""
    rewritten: set[str] = set()
    for record in reversed(records):
        if codemod in record.codemods:
            break
        rewritten |= rewritten_by_others(record, codemod)
    return rewritten


def _carried(
    before: dict[str, tuple[Entry, ...]],
    after: dict[str, tuple[Entry, ...]],
    rewritten: set[str],
) -> list[tuple[str, str]]:
    """(new key, old key) of each violation carried out of a ``rewritten`` file into another one:
    its key vanished there as a key with the same message appeared in another file."""
    old_keys = {entry.key for entries in before.values() for entry in entries}
    new_keys = {entry.key for entries in after.values() for entry in entries}
    gone = [
        entry
        for path in sorted(rewritten & set(before))
        for entry in before[path]
        if entry.key not in new_keys
    ]
    came = [entry for _, entries in sorted(after.items()) for entry in entries]
    pairs: list[tuple[str, str]] = []
    for entry in (e for e in came if e.key not in old_keys):
        match = next((g for g in gone if g.message == entry.message and g.path != entry.path), None)
        if match is not None:
            gone.remove(match)
            pairs.append((entry.key, match.key))
    return pairs


class _Keys:
    """Keys of violations that moved, each mapped to the key it was first recorded under."""

    def __init__(self) -> None:
        self.first: dict[str, str] = {}
        self.moved = 0

    def of(self, key: str) -> str:
        """The key ``key`` was first recorded under."""
        return self.first.get(key, key)

    def carry(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Record (new key, old key) pairs of carried violations."""
        for new, old in pairs:
            self.first[new] = self.of(old)
            self.moved += 1

    def count(self, entries: Iterable[Entry]) -> Counter[str]:
        """How many entries hold each first-recorded key."""
        return Counter(self.of(entry.key) for entry in entries)


def codemod_status(
    records: Sequence[Record],
    codemod: str,
    strategy: str = DEFAULT_RANKING,
    limit: int = 5,
) -> CodemodStatus:
    """Replay ``records`` for one codemod."""
    state: dict[str, tuple[Entry, ...]] = {}
    ever: Counter[str] = Counter()
    history: list[HistoryPoint] = []
    baseline: int | None = None
    keys = _Keys()
    rewritten: set[str] = set()
    for position, record in enumerate(records):
        rewritten |= rewritten_by_others(record, codemod)
        if codemod not in record.codemods:
            continue
        before = dict(state)
        _merge_step(state, record, codemod)
        keys.carry(_carried(before, state, rewritten))
        rewritten = set()
        now = keys.count(entry for entries in state.values() for entry in entries)
        # What this record fixed and no earlier one counted (an apply with no scan before it)
        # was there before it too.
        unseen = keys.count(record.codemods[codemod].fixed) - ever
        ever |= now + unseen  # per key, the most ever seen at once
        count = sum(now.values())
        if baseline is None:
            baseline = count + sum(unseen.values())
        history.append(
            HistoryPoint(
                position,
                record.timestamp,
                record.commit,
                record.command,
                count,
                len(record.codemods[codemod].fixed),
            )
        )
    entries = sorted(entry for items in state.values() for entry in items)
    fixed = sum((ever - keys.count(entries)).values())
    file_rows = rows(entries)
    return CodemodStatus(
        codemod=codemod,
        baseline=baseline or 0,
        current=len(entries),
        fixed=fixed,
        manual=sum(not entry.fixable for entry in entries),
        files=file_rows,
        next=rank(file_rows, strategy)[:limit],
        history=history,
        entries=entries,
        moved=keys.moved,
    )


def compute(
    records: Sequence[Record],
    codemods: Sequence[str] = (),
    strategy: str = DEFAULT_RANKING,
    limit: int = 5,
) -> dict[str, CodemodStatus]:
    """Status of every codemod in ``records`` (or just ``codemods``), by id."""
    known = sorted({cid for record in records for cid in record.codemods})
    wanted = list(codemods) or known
    return {cid: codemod_status(records, cid, strategy, limit) for cid in wanted}


def progress_line(status: CodemodStatus) -> str:
    """``bare-except: 44 → 28 remaining, 16 fixed (36% complete), 2 for manual review``."""
    moved = f", {status.moved} moved to another file" if status.moved else ""
    return (
        f"{status.codemod}: {status.baseline} → {status.current} remaining, {status.fixed} fixed "
        f"({status.percent}% complete){moved}, {status.manual} for manual review"
    )


def tiers_line(status: CodemodStatus) -> str:
    """``remaining by safety tier: 3 safe, 5 review, 2 manual``."""
    return "remaining by safety tier: " + ", ".join(
        f"{count} {tier}" for tier, count in status.tiers.items()
    )


def next_line(row: FileRow) -> str:
    """``app/routes/jobs.py: 4 violation(s), medium complexity``."""
    manual = f", {row.manual} manual" if row.manual else ""
    return f"{row.path}: {row.count} violation(s){manual}, {row.complexity} complexity"
