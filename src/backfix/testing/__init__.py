"""Test support shipped with backfix: the snapshot harness used by its own tests and by plug-in authors."""

from backfix.testing.snapshots import (
    CaseReport,
    SnapshotCase,
    SnapshotError,
    check_case,
    discover_cases,
    load_case,
)

__all__ = [
    "CaseReport",
    "SnapshotCase",
    "SnapshotError",
    "check_case",
    "discover_cases",
    "load_case",
]
