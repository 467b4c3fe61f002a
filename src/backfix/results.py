"""Picklable result objects shared by the runner, the sinks, the reports and the ledger."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Generic

from backfix.typing_compat import TypeVar

#: safety tiers (see docs/review.md): mechanically equivalent; kept by analysis but worth a look;
#: reported, not rewritten.
SAFE, REVIEW, MANUAL = "safe", "review", "manual"
TIERS = (SAFE, REVIEW, MANUAL)

DataT = TypeVar("DataT", default=Any)


def stable_hash(*parts: str) -> str:
    """A short hex digest of ``parts``; the basis of violation fingerprints."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, order=True)
class Violation:
    """One defect a codemod found, fixable by `apply` or left for manual review with a reason.

    ``line`` and ``col`` are 1-based.

    ``scope`` (qualified name of the enclosing function/class) and ``snippet`` (a normalized form of the
    offending statement) make up the fingerprint that survives line shifts and reformatting.
    """

    path: str
    line: int
    col: int
    codemod: str
    message: str
    fixable: bool = True
    reason: str = ""
    scope: str = ""
    snippet: str = ""
    #: how far the fix can be trusted unread: ``safe`` or ``review`` (see ``safety`` for ``manual``)
    tier: str = field(default=REVIEW, compare=False)
    #: a stable, readable id of the manual-review reason (``custom-query-class``), documented in the
    #: codemod's page under ``docs/``; empty for fixable violations
    reason_id: str = field(default="", compare=False)

    @property
    def safety(self) -> str:
        """The tier a user sees: ``manual`` when the violation is not fixable, else ``tier``."""
        return self.tier if self.fixable else MANUAL

    @property
    def fingerprint(self) -> str:
        """A stable id: codemod, file, enclosing scope and normalized statement, not the line."""
        return stable_hash(self.codemod, self.path, self.scope, self.snippet)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape used by `scan --format json` and the reports."""
        data: dict[str, Any] = {
            "codemod": self.codemod,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "fixable": self.fixable,
            "tier": self.safety,
        }
        if self.reason:
            data["reason"] = self.reason
        if self.reason_id:
            data["reason_id"] = self.reason_id
        data["fingerprint"] = self.fingerprint
        return data


@dataclass(frozen=True, order=True)
class FileError:
    """A file the run could not handle: unreadable, undecodable, unparseable, or a codemod bug."""

    path: str
    line: int
    col: int
    kind: str
    message: str
    detail: str = field(default="", compare=False)

    def to_json(self) -> dict[str, Any]:
        """The JSON shape used in reports."""
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "kind": self.kind,
            "message": self.message,
        }


@dataclass(frozen=True)
class FileFacts(Generic[DataT]):
    """What one codemod learned about one file in the analyze phase.

    ``data`` is the codemod's own picklable payload for its plan phase (the ``FactsT`` of
    ``Codemod[FactsT, EditsT]``); None when the file gave it nothing to say.
    """

    path: str
    violations: tuple[Violation, ...] = ()
    data: DataT | None = None


@dataclass(frozen=True)
class FileChange:
    """New content for one file; ``before`` is None when the file is created."""

    path: str
    abs_path: str
    before: bytes | None
    after: bytes


@dataclass
class RunResult:
    """Everything one scan or apply produced, sorted by path."""

    codemods: list[str]
    violations: list[Violation] = field(default_factory=list)
    changes: list[FileChange] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
    files_discovered: int = 0
    files_parsed: int = 0
    files_cached: int = 0
    fixed: list[Violation] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    #: the changed files whose remaining violations were found in their changed content (a review
    #: that kept part of a file analyses it again), so they are at their lines as written already
    found_after_change: set[str] = field(default_factory=set)

    @property
    def manual(self) -> list[Violation]:
        """Violations that `apply` leaves for a person, each with its reason."""
        return [v for v in self.violations if not v.fixable]

    def totals(self) -> dict[str, int]:
        """Violation count per codemod id, including codemods that found none."""
        counts = dict.fromkeys(self.codemods, 0)
        for violation in self.violations:
            counts[violation.codemod] = counts.get(violation.codemod, 0) + 1
        return counts
