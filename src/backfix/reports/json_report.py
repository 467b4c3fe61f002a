"""JSON documents for ``status --format json`` and ``report --format json``."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from backfix.reports import Snapshot
from backfix.status import CodemodStatus


def status_document(statuses: Mapping[str, CodemodStatus]) -> dict[str, Any]:
    """``{"codemods": {"<id>": {"baseline", "current", "fixed", "manual", "moved", "files", "next", ...}}}``."""
    return {"codemods": {cid: status.to_json() for cid, status in statuses.items()}}


def report_document(
    statuses: Mapping[str, CodemodStatus], snapshots: Sequence[Snapshot]
) -> dict[str, Any]:
    """The current violations (fresh run) per codemod, with the ledger's progress and history."""
    document: dict[str, Any] = {"codemods": {}}
    for snapshot in snapshots:
        status = statuses.get(snapshot.codemod)
        document["codemods"][snapshot.codemod] = {
            "current": len(snapshot.violations),
            "fixable": sum(v.fixable for v in snapshot.violations),
            "violations": [v.to_json() for v in snapshot.violations],
            "errors": [e.to_json() for e in snapshot.errors],
            "progress": status.to_json() if status is not None else None,
        }
    return document


def dumps(document: Mapping[str, Any]) -> str:
    """Indented, key order kept."""
    return json.dumps(document, indent=2, ensure_ascii=False)
