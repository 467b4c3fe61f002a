"""The JSON document of ``apply --format json``, for CI jobs and review bots.

Its shape is described by ``apply.schema.json`` next to this module (JSON Schema, draft 7); ``version``
is bumped whenever a reader of the previous version could misread a document.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backfix.results import RunResult
from backfix.review import Review, tier_counts

VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent / "apply.schema.json"


def schema() -> dict[str, Any]:
    """The JSON Schema every document validates against."""
    loaded: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return loaded


def apply_document(review: Review, result: RunResult, written: str, outcome: str) -> dict[str, Any]:
    """Every change (its files, tier, violations, diff), every manual item, what stays open.

    ``written`` is ``none`` (dry run, nothing to change), ``in-place`` or ``branch``.
    """
    return {
        "version": VERSION,
        "codemod": review.codemod,
        "written": written,
        "outcome": outcome,
        "changes": [
            {
                "id": change.number,
                "codemod": change.codemod,
                "tier": change.tier,
                "files": list(change.files),
                "fingerprints": [v.fingerprint for v in change.violations],
                "violations": [v.to_json() for v in change.violations],
                "diff": review.diff(change),
            }
            for change in review.changes
        ],
        "manual": [v.to_json() for v in result.manual],
        "open": [v.to_json() for v in result.violations if v.fixable],
        "tiers": {
            "fixed": tier_counts(result.fixed),
            "remaining": tier_counts(result.violations),
        },
        "errors": [e.to_json() for e in result.errors],
        "notes": list(result.notes),
        "assumptions": list(result.assumptions),
    }
