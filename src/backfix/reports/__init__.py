"""Reports fed from the ledger and from run results: text, Markdown, JSON, SARIF 2.1.0 and HTML.

Each module renders one format; none of them prints or writes files (the CLI does).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from backfix.results import FileChange, FileError, Violation


@dataclass(frozen=True)
class Snapshot:
    """One codemod's current violations from a fresh in-memory run, and the changes apply would make."""

    codemod: str
    summary: str
    violations: list[Violation] = field(default_factory=list)
    changes: list[FileChange] = field(default_factory=list)
    errors: list[FileError] = field(default_factory=list)
