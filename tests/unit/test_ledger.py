"""The ledger file: round trip, per-line corruption, truncated writes, newer schemas, concurrency."""

from __future__ import annotations

import json
import multiprocessing
from pathlib import Path

import pytest

from backfix import ledger
from backfix.ledger import CodemodRecord, LedgerError, Record
from backfix.results import Violation


def violation(
    path: str, line: int, scope: str = "f", snippet: str = "s", fixable: bool = True
) -> Violation:
    """A bare-except-like violation."""
    return Violation(
        path, line, 5, "bare-except", "msg", fixable, "" if fixable else "why", scope, snippet
    )


def record(
    *violations: Violation,
    paths: tuple[str, ...] = (".",),
    fixed: tuple[Violation, ...] = (),
    stamp: str = "2026-01-01T00:00:00Z",
) -> Record:
    """A record holding ``violations`` for bare-except."""
    return Record(
        timestamp=stamp,
        command="codemod scan",
        paths=paths,
        codemods={"bare-except": CodemodRecord.from_violations(violations, fixed)},
    )


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / ".backfix" / "ledger.jsonl"
    original = Record(
        timestamp="2026-01-01T00:00:00Z",
        command="codemod apply bare-except --max-files 1",
        paths=("app",),
        exclude=("*_test.py",),
        errors=("app/broken.py",),
        commit="a" * 40,
        branch="main",
        codemods={
            "bare-except": CodemodRecord.from_violations(
                [violation("app/a.py", 3), violation("app/b.py", 9, fixable=False)],
                [violation("app/c.py", 1)],
            )
        },
    )
    ledger.append(path, original)
    contents = ledger.read(path)
    assert contents.problems == ()
    assert contents.records == (original,)
    assert original.codemods["bare-except"].count == 2
    line = path.read_bytes()
    assert line.endswith(b"\n") and line.count(b"\n") == 1


def test_missing_ledger_is_empty(tmp_path: Path) -> None:
    assert ledger.read(tmp_path / "nope.jsonl") == ledger.LedgerContents()


def test_malformed_line_is_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger.append(path, record(violation("a.py", 1)))
    with path.open("ab") as handle:
        handle.write(b"{not json\n")
        handle.write(b'{"schema": 1, "timestamp": "x"}\n')  # valid JSON, not a record
    ledger.append(path, record(violation("a.py", 1), violation("b.py", 2)))
    contents = ledger.read(path)
    assert [r.codemods["bare-except"].count for r in contents.records] == [1, 2]
    assert [p.line for p in contents.problems] == [2, 3]
    assert all("malformed" in p.message for p in contents.problems)


def test_truncated_last_line_is_reported_and_next_append_starts_fresh(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger.append(path, record(violation("a.py", 1)))
    whole = record(violation("b.py", 2)).to_line()
    with path.open("ab") as handle:
        handle.write(whole[: len(whole) // 2])  # a writer that crashed mid-line
    contents = ledger.read(path)
    assert len(contents.records) == 1
    assert len(contents.problems) == 1 and "truncated" in contents.problems[0].message

    ledger.append(path, record(violation("c.py", 3)))
    contents = ledger.read(path)
    assert [list(r.codemods["bare-except"].files) for r in contents.records] == [["a.py"], ["c.py"]]
    assert [p.line for p in contents.problems] == [2]


def test_newer_schema_is_refused_for_reading_and_appending(tmp_path: Path) -> None:
    path = tmp_path / "ledger.jsonl"
    ledger.append(path, record(violation("a.py", 1)))
    future = dict(record().to_json(), schema=ledger.SCHEMA_VERSION + 1)
    with path.open("a") as handle:
        handle.write(json.dumps(future) + "\n")
    with pytest.raises(LedgerError, match="newer backfix"):
        ledger.read(path)
    size = path.stat().st_size
    with pytest.raises(LedgerError, match="upgrade"):
        ledger.append(path, record())
    assert path.stat().st_size == size
    with pytest.raises(LedgerError):
        ledger.appended(path.read_bytes(), record())


def test_appended_adds_a_line_to_existing_bytes() -> None:
    first = record(violation("a.py", 1)).to_line()
    data = ledger.appended(first[:-1], record(violation("b.py", 2)))  # no trailing newline
    contents = ledger.parse(data)
    assert len(contents.records) == 2 and contents.problems == ()
    assert ledger.appended(b"", record()) == record().to_line()


def test_covers_paths_exclusions_and_errors() -> None:
    rec = Record(
        timestamp="t",
        command="c",
        paths=("app", "tools/x.py"),
        exclude=("*_test.py",),
        errors=("app/broken.py",),
        codemods={},
    )
    assert rec.covers("app/a.py") and rec.covers("app/sub/b.py")
    assert not rec.covers("application.py")
    assert not rec.covers("app/a_test.py")
    assert rec.covers("tools/x.py")
    assert not rec.covers("tools/y.py")
    assert not rec.covers("app/broken.py")
    root = Record(timestamp="t", command="c", paths=(".",), codemods={})
    assert root.covers("anything/at/all.py")


def _append_many(path: str, worker: int, count: int) -> None:
    for n in range(count):
        many = [violation(f"w{worker}/f{i}.py", i + 1, snippet="x" * 200) for i in range(40)]
        ledger.append(Path(path), record(*many, stamp=f"2026-01-01T00:00:{n:02d}Z"))


@pytest.mark.slow  # starts several interpreters
def test_concurrent_appends_from_several_processes_are_all_readable(tmp_path: Path) -> None:
    path = tmp_path / ".backfix" / "ledger.jsonl"
    context = multiprocessing.get_context("spawn")
    workers = [
        context.Process(target=_append_many, args=(str(path), worker, 10)) for worker in range(4)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    contents = ledger.read(path)
    assert contents.problems == ()
    assert len(contents.records) == 40
    per_worker: dict[str, int] = {}
    for rec in contents.records:
        files = rec.codemods["bare-except"].files
        assert len(files) == 40
        owner = next(iter(files)).split("/")[0]
        per_worker[owner] = per_worker.get(owner, 0) + 1
    assert per_worker == {"w0": 10, "w1": 10, "w2": 10, "w3": 10}


def test_git_position_outside_git_is_null() -> None:
    assert ledger.git_position(None) == (None, None)
    rec = ledger.make_record(command="c", paths=["."], exclude=[], codemods={}, git_root=None)
    assert rec.commit is None and rec.branch is None
    assert rec.timestamp.endswith("Z")
