"""SARIF 2.1.0: one run, one rule per codemod, one result per current violation.

Auto-fixable violations carry ``fixes``: the text replacements ``codemod apply`` would make, computed
in memory. A change is split into line hunks; each hunk goes to the violation whose line it touches, a
hunk near no violation (an added import or logger) to the first fixable violation of that file, and
changes to other files (a created service module) to the codemod's first fixable violation, so applying
every fix of a codemod applies each hunk exactly once.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from backfix.reports import Snapshot
from backfix.results import FileChange, Violation
from backfix.status import CodemodStatus

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_NAME = "backfix/v1"

Replacement = dict[str, Any]


def _tool_version() -> str:
    try:
        return version("backfix")
    except PackageNotFoundError:  # pragma: no cover - running from an uninstalled checkout
        return "0"


def _location(path: str) -> dict[str, Any]:
    return {"uri": path, "uriBaseId": SRCROOT}


def _hunks(change: FileChange) -> list[tuple[int, int, Replacement]]:
    """(first line, last line) of the old text each hunk replaces, 0-based, and its replacement."""
    before = (change.before or b"").decode("utf-8", errors="replace")
    after = change.after.decode("utf-8", errors="replace")
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    offsets = [0]
    for line in old:
        offsets.append(offsets[-1] + len(line))
    hunks: list[tuple[int, int, Replacement]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        replacement: Replacement = {
            "deletedRegion": {"charOffset": offsets[i1], "charLength": offsets[i2] - offsets[i1]}
        }
        if j2 > j1:
            replacement["insertedContent"] = {"text": "".join(new[j1:j2])}
        hunks.append((i1, max(i1, i2 - 1), replacement))
    return hunks


def _attribute(
    violations: Sequence[Violation], changes: Sequence[FileChange]
) -> dict[Violation, list[tuple[str, Replacement]]]:
    """Which (path, replacement) pairs make up each fixable violation's fix."""
    fixes: dict[Violation, list[tuple[str, Replacement]]] = {}
    fixable = [v for v in violations if v.fixable]
    for change in changes:
        own = sorted(v for v in fixable if v.path == change.path)
        for first, last, replacement in _hunks(change):
            target = next((v for v in own if first - 1 <= v.line - 1 <= last), None)
            if target is None:
                target = own[0] if own else (fixable[0] if fixable else None)
            if target is not None:
                fixes.setdefault(target, []).append((change.path, replacement))
    return fixes


def _fix(codemod: str, parts: Sequence[tuple[str, Replacement]]) -> dict[str, Any]:
    by_path: dict[str, list[Replacement]] = {}
    for path, replacement in parts:
        by_path.setdefault(path, []).append(replacement)
    return {
        "description": {"text": f"What `codemod apply {codemod}` changes for this violation."},
        "artifactChanges": [
            {"artifactLocation": _location(path), "replacements": replacements}
            for path, replacements in sorted(by_path.items())
        ],
    }


def _result(violation: Violation, rule_index: int, fix: dict[str, Any] | None) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": _location(violation.path)}
    if violation.line >= 1:
        physical["region"] = {"startLine": violation.line}
        if violation.col >= 1:  # Violation columns are 1-based, like SARIF's
            physical["region"]["startColumn"] = violation.col
    text = violation.message
    if not violation.fixable:
        text += f" (manual review: {violation.reason or 'not auto-fixable'})"
    result: dict[str, Any] = {
        "ruleId": violation.codemod,
        "ruleIndex": rule_index,
        "level": "warning" if violation.fixable else "note",
        "kind": "fail",
        "message": {"text": text},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {FINGERPRINT_NAME: violation.fingerprint},
        "properties": {"fixable": violation.fixable, "tier": violation.safety},
    }
    if violation.reason:
        result["properties"]["reason"] = violation.reason
    if violation.reason_id:
        result["properties"]["reasonId"] = violation.reason_id
    if fix is not None:
        result["fixes"] = [fix]
    return result


def sarif_log(
    snapshots: Sequence[Snapshot],
    statuses: Mapping[str, CodemodStatus] | None = None,
    root_uri: str | None = None,
) -> dict[str, Any]:
    """The SARIF log object; ``root_uri`` (``file:///…/``) anchors the relative paths."""
    rules: list[dict[str, Any]] = []
    results: list[dict[str, Any]] = []
    for rule_index, snapshot in enumerate(snapshots):
        rules.append(
            {
                "id": snapshot.codemod,
                "name": "".join(part.title() for part in snapshot.codemod.split("-")),
                "shortDescription": {"text": snapshot.summary or snapshot.codemod},
                "help": {"text": f"Run `codemod describe {snapshot.codemod}`."},
            }
        )
        fixes = _attribute(snapshot.violations, snapshot.changes)
        for violation in snapshot.violations:
            parts = fixes.get(violation)
            fix = _fix(snapshot.codemod, parts) if parts else None
            results.append(_result(violation, rule_index, fix))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "backfix",
                "version": _tool_version(),
                "rules": rules,
            }
        },
        "columnKind": "unicodeCodePoints",
        "results": results,
    }
    if root_uri is not None:
        run["originalUriBaseIds"] = {SRCROOT: {"uri": root_uri}}
    if statuses:
        run["properties"] = {
            "history": {cid: [p.to_json() for p in s.history] for cid, s in statuses.items()}
        }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
