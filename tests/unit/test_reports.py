"""Reports: SARIF 2.1.0 (schema-valid, fixes that reproduce `apply`), JSON, Markdown, HTML and SVG."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from backfix.discovery import Workspace
from backfix.ledger import CodemodRecord, Record
from backfix.registry import get_codemod
from backfix.reports import Snapshot
from backfix.reports.html import burndown_html
from backfix.reports.json_report import report_document, status_document
from backfix.reports.markdown import (
    batch_context,
    commit_progress,
    pr_body,
    report_markdown,
    status_markdown,
)
from backfix.reports.sarif import sarif_log
from backfix.reports.svg import burndown_svg
from backfix.reports.text import status_text
from backfix.runner import CodemodSpec, RunOptions, run
from backfix.status import compute

SCHEMA = Path(__file__).resolve().parents[1] / "data" / "sarif-2.1.0-reduced.schema.json"

SOURCE_A = """\
import json


def load(path):
    try:
        return json.load(open(path))
    except:
        pass


def save(path, data):
    try:
        json.dump(data, open(path, "w"))
    except:
        raise
"""

SOURCE_B = """\
import logging

log = logging.getLogger(__name__)


def run(jobs):
    for job in jobs:
        try:
            job()
        except:
            continue
"""


@pytest.fixture
def snapshot(tmp_path: Path) -> tuple[Snapshot, Path]:
    """A fresh in-memory bare-except run (apply mode, nothing written) over two files."""
    (tmp_path / "a.py").write_text(SOURCE_A)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "b.py").write_text(SOURCE_B)
    cls = get_codemod("bare-except")
    result = run(
        Workspace(root=tmp_path),
        RunOptions(specs=[CodemodSpec(cls, "bare-except")], paths=[tmp_path], jobs=1, apply=True),
    )
    assert len(result.fixed) == 3 and result.changes
    snap = Snapshot(
        "bare-except", cls.SUMMARY, sorted([*result.violations, *result.fixed]), result.changes
    )
    return snap, tmp_path


def _records() -> list[Record]:
    from backfix.results import Violation

    def v(path: str, n: int, fixable: bool = True) -> Violation:
        return Violation(
            path,
            n,
            5,
            "bare-except",
            "bare `except:` <b>|</b>",
            fixable,
            "" if fixable else "needs a person",
            "f",
            f"s{n}",
        )

    return [
        Record(
            "2026-01-01T00:00:00Z",
            "codemod scan",
            (".",),
            {
                "bare-except": CodemodRecord.from_violations(
                    [v("a.py", 1), v("a.py", 2), v("b.py", 1, False)]
                )
            },
            commit="c" * 40,
        ),
        Record(
            "2026-01-02T00:00:00Z",
            "codemod apply bare-except",
            (".",),
            {
                "bare-except": CodemodRecord.from_violations(
                    [v("a.py", 2), v("b.py", 1, False)], [v("a.py", 1)]
                )
            },
        ),
    ]


def test_sarif_is_valid_against_the_schema(snapshot: tuple[Snapshot, Path]) -> None:
    snap, root = snapshot
    log = sarif_log([snap], compute(_records()), root.as_uri() + "/")
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.validate(log, schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)
    results = log["runs"][0]["results"]
    assert len(results) == 3
    assert all(r["ruleId"] == "bare-except" and r["fixes"] for r in results)
    assert results[0]["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 7,
        "startColumn": 5,
    }
    assert results[0]["partialFingerprints"]["backfix/v1"] == snap.violations[0].fingerprint
    assert [r["properties"]["tier"] for r in results] == [v.safety for v in snap.violations]


def test_the_schema_rejects_what_it_should() -> None:
    schema = json.loads(SCHEMA.read_text())
    bad_version = {"version": "2.0.0", "runs": []}
    empty_fix = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [{"message": {"text": "m"}, "fixes": [{"artifactChanges": []}]}],
            }
        ],
    }
    misspelt = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "result": []}]}
    for document in (bad_version, empty_fix, misspelt):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(document, schema)


def _apply_fixes(text: str, replacements: list[dict[str, Any]]) -> str:
    for item in sorted(replacements, key=lambda r: -r["deletedRegion"]["charOffset"]):
        start = item["deletedRegion"]["charOffset"]
        end = start + item["deletedRegion"]["charLength"]
        text = text[:start] + item.get("insertedContent", {}).get("text", "") + text[end:]
    return text


def test_sarif_fixes_together_reproduce_what_apply_writes(snapshot: tuple[Snapshot, Path]) -> None:
    snap, root = snapshot
    log = sarif_log([snap])
    by_file: dict[str, list[dict[str, Any]]] = {}
    for result in log["runs"][0]["results"]:
        assert len(result["fixes"]) == 1
        for change in result["fixes"][0]["artifactChanges"]:
            by_file.setdefault(change["artifactLocation"]["uri"], []).extend(change["replacements"])
    expected = {c.path: c.after.decode() for c in snap.changes}
    assert sorted(by_file) == sorted(expected) == ["a.py", "pkg/b.py"]
    for path, replacements in by_file.items():
        assert _apply_fixes((root / path).read_text(), replacements) == expected[path]


def test_sarif_fix_is_attributed_to_its_own_violation(snapshot: tuple[Snapshot, Path]) -> None:
    snap, _ = snapshot
    results = sarif_log([snap])["runs"][0]["results"]
    save = next(
        r for r in results if r["locations"][0]["physicalLocation"]["region"]["startLine"] == 14
    )
    inserted = [
        rep.get("insertedContent", {}).get("text", "")
        for change in save["fixes"][0]["artifactChanges"]
        for rep in change["replacements"]
    ]
    assert inserted == ["    except BaseException:\n"]


def test_manual_violations_have_no_fix_and_say_why() -> None:
    from backfix.results import Violation

    manual = Violation("a.py", 3, 1, "bare-except", "msg", False, "cannot be moved", "f", "s")
    result = sarif_log([Snapshot("bare-except", "s", [manual], [])])["runs"][0]["results"][0]
    assert "fixes" not in result and result["level"] == "note"
    assert "cannot be moved" in result["message"]["text"]


def test_status_json_shape() -> None:
    document = status_document(compute(_records()))
    entry = document["codemods"]["bare-except"]
    assert {k: entry[k] for k in ("baseline", "current", "fixed", "manual")} == {
        "baseline": 3,
        "current": 2,
        "fixed": 1,
        "manual": 1,
    }
    assert [row["path"] for row in entry["files"]] == ["a.py", "b.py"]
    assert [row["path"] for row in entry["next"]] == ["a.py"]
    json.dumps(document)


def test_report_json_and_markdown(snapshot: tuple[Snapshot, Path]) -> None:
    snap, _ = snapshot
    statuses = compute(_records())
    document = report_document(statuses, [snap])
    assert document["codemods"]["bare-except"]["current"] == 3
    assert document["codemods"]["bare-except"]["progress"]["baseline"] == 3
    text = report_markdown(statuses, [snap])
    assert "## bare-except: 3 violation(s)" in text
    assert "`a.py:7:5`" in text and "### History" in text and "`codemod scan`" in text


def test_status_text_and_markdown() -> None:
    statuses = compute(_records())
    text = status_text(statuses)
    assert "bare-except: 3 → 2 remaining, 1 fixed (33% complete), 1 for manual review" in text
    assert "1. a.py: 1 violation(s), low complexity" in text
    markdown = status_markdown(statuses)
    assert "| 3 | 2 | 1 | 33% | 1 |" in markdown
    assert "no ledger records" in status_text({})


def test_pr_body_and_commit_progress() -> None:
    from backfix.results import RunResult, Violation

    statuses = compute(_records())
    fixed = Violation("a.py", 1, 5, "bare-except", "m", True, "", "f", "s1")
    result = RunResult(codemods=["bare-except"], fixed=[fixed])
    context = batch_context("bare-except", result, statuses["bare-except"], 1)
    body = pr_body(context)
    assert "fixed **1** violation(s)" in body and "| `a.py` | 1 |" in body
    assert "3 → 2 violations, 1 fixed (33% complete)" in body
    assert commit_progress(context).startswith("Migration: 3 -> 2 violations")


def test_html_is_self_contained_and_escaped() -> None:
    page = burndown_html(compute(_records()), "2026-01-03T00:00:00Z")
    assert page.lstrip().startswith("<!DOCTYPE html>")
    assert "<svg" in page and "<polyline" in page
    # no network: the only URL is the SVG namespace identifier
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+[^\s\"'<>]*", page))
    assert urls == {"http://www.w3.org/2000/svg"}
    assert "<script" not in page and "<link" not in page
    assert "<code>a.py</code>" in page


def test_svg_plots_one_point_per_record() -> None:
    statuses = compute(_records())
    svg = burndown_svg({cid: s.history for cid, s in statuses.items()})
    assert svg.count("<circle") == 2
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert burndown_svg({}).endswith("</svg>")


def test_svg_places_a_late_codemod_at_its_own_records() -> None:
    from backfix.status import HistoryPoint

    early = [HistoryPoint(0, "t0", None, "scan", 4, 0), HistoryPoint(2, "t2", None, "apply", 1, 3)]
    late = [HistoryPoint(2, "t2", None, "scan", 2, 0)]
    svg = burndown_svg({"a": early, "b": late})
    xs = re.findall(r'<circle cx="([\d.]+)"', svg)
    assert xs[0] != xs[1] and xs[1] == xs[2]  # a@0, a@2, b@2: b's only point sits at record 2
