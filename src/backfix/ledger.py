"""The violation ledger: one JSON record per run in ``<repo root>/.backfix/ledger.jsonl``.

Each ``scan`` and each non-dry-run ``apply`` appends one record: when and where it ran (timestamp, git
commit and branch, the command), the paths it covered, and per codemod the complete set of violations
left within those paths, by file, plus what the batch fixed. The file is plain JSON Lines so it diffs
and merges well and can be committed and shared by a team.

Durability: a record is one line written with a single ``O_APPEND`` write under an exclusive lock and
then fsynced, so concurrent runs never interleave and a crash leaves at most a truncated last line.
Reading reports such a line (or any malformed one) and skips it; the next append starts on a fresh line.

Fingerprints: an entry carries ``Violation.fingerprint`` (codemod, path, enclosing scope, normalized
statement; never the line number), so edits above a violation and reformatting keep it. A renamed or
moved file changes the path part; entries also carry ``key``, the same fingerprint without the path,
which ``check`` and ``status`` use to recognise a violation that moved with its file instead of
counting it as new (and the old one as fixed).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backfix import gitcli
from backfix.discovery import is_excluded, is_under
from backfix.results import MANUAL, REVIEW, Violation, stable_hash

try:  # pragma: no cover - the import fails on Windows only
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

#: bump when a reader of the previous version could misread a record.
SCHEMA_VERSION = 1
LEDGER_DIR = ".backfix"
LEDGER_NAME = "ledger.jsonl"
LEDGER_REL = f"{LEDGER_DIR}/{LEDGER_NAME}"


class LedgerError(Exception):
    """The ledger cannot be used (newer schema, unreadable); the message says what to do."""


def ledger_path(root: Path) -> Path:
    """Where the ledger of the repository (or workspace) at ``root`` lives."""
    return root / LEDGER_DIR / LEDGER_NAME


def location_key(codemod: str, scope: str, snippet: str) -> str:
    """The fingerprint without the path: what survives a file rename."""
    return stable_hash(codemod, scope, snippet)


@dataclass(frozen=True, order=True)
class Entry:
    """One violation as the ledger stores it."""

    path: str
    line: int
    col: int
    codemod: str
    message: str
    fingerprint: str
    key: str
    fixable: bool = True
    reason: str = ""
    #: ``safe`` or ``review`` for a fixable entry; records written before tiers existed have none
    tier: str = field(default="", compare=False)
    #: the manual-review reason's stable id (see Violation.reason_id); empty when there is none
    reason_id: str = field(default="", compare=False)

    @property
    def safety(self) -> str:
        """``manual``, ``safe`` or ``review``; a fixable entry recorded without a tier counts as review."""
        return (self.tier or REVIEW) if self.fixable else MANUAL

    @classmethod
    def from_violation(cls, violation: Violation) -> Entry:
        """The ledger entry of a violation found by a run."""
        return cls(
            path=violation.path,
            line=violation.line,
            col=violation.col,
            codemod=violation.codemod,
            message=violation.message,
            fingerprint=violation.fingerprint,
            key=location_key(violation.codemod, violation.scope, violation.snippet),
            fixable=violation.fixable,
            reason=violation.reason,
            tier=violation.tier if violation.fixable else "",
            reason_id=violation.reason_id,
        )

    def to_json(self) -> dict[str, Any]:
        """The stored shape (path and codemod are implied by where the entry sits)."""
        data: dict[str, Any] = {
            "fp": self.fingerprint,
            "key": self.key,
            "line": self.line,
            "col": self.col,
            "message": self.message,
            "fixable": self.fixable,
        }
        if self.reason:
            data["reason"] = self.reason
        if self.reason_id:
            data["reason_id"] = self.reason_id
        if self.fixable and self.tier:
            data["tier"] = self.tier
        return data

    @classmethod
    def from_json(cls, codemod: str, path: str, data: Mapping[str, Any]) -> Entry:
        """Inverse of :meth:`to_json`; raises KeyError/TypeError/ValueError on a bad shape."""
        return cls(
            path=path,
            line=int(data["line"]),
            col=int(data["col"]),
            codemod=codemod,
            message=str(data["message"]),
            fingerprint=str(data["fp"]),
            key=str(data.get("key", "")),
            fixable=bool(data["fixable"]),
            reason=str(data.get("reason", "")),
            tier=str(data.get("tier", "")),
            reason_id=str(data.get("reason_id", "")),
        )


@dataclass(frozen=True)
class CodemodRecord:
    """What one run knew about one codemod: remaining violations by file, and what it fixed."""

    files: Mapping[str, tuple[Entry, ...]] = field(default_factory=dict)
    fixed: tuple[Entry, ...] = ()

    @property
    def count(self) -> int:
        """Violations remaining within the record's paths."""
        return sum(len(entries) for entries in self.files.values())

    def entries(self) -> list[Entry]:
        """Every remaining entry, sorted by path and line."""
        return sorted(entry for entries in self.files.values() for entry in entries)

    @classmethod
    def from_violations(
        cls, remaining: Iterable[Violation], fixed: Iterable[Violation] = ()
    ) -> CodemodRecord:
        """Group a run's violations by file."""
        files: dict[str, list[Entry]] = {}
        for violation in sorted(remaining):
            files.setdefault(violation.path, []).append(Entry.from_violation(violation))
        return cls(
            files={path: tuple(entries) for path, entries in sorted(files.items())},
            fixed=tuple(Entry.from_violation(v) for v in sorted(fixed)),
        )

    def to_json(self) -> dict[str, Any]:
        """The stored shape."""
        return {
            "count": self.count,
            "files": {
                path: [entry.to_json() for entry in entries]
                for path, entries in sorted(self.files.items())
            },
            "fixed": [{"path": entry.path, **entry.to_json()} for entry in self.fixed],
        }

    @classmethod
    def from_json(cls, codemod: str, data: Mapping[str, Any]) -> CodemodRecord:
        """Inverse of :meth:`to_json`."""
        files = {
            str(path): tuple(Entry.from_json(codemod, str(path), item) for item in items)
            for path, items in dict(data["files"]).items()
        }
        fixed = tuple(
            Entry.from_json(codemod, str(item["path"]), item) for item in data.get("fixed", [])
        )
        return cls(files=files, fixed=fixed)


@dataclass(frozen=True)
class Record:
    """One ledger line: one ``scan`` or ``apply`` run."""

    timestamp: str
    command: str
    paths: tuple[str, ...]
    codemods: Mapping[str, CodemodRecord]
    commit: str | None = None
    branch: str | None = None
    exclude: tuple[str, ...] = ()
    #: files the run could not read or parse: what earlier records said about them still stands.
    errors: tuple[str, ...] = ()
    schema: int = SCHEMA_VERSION

    def covers(self, path: str) -> bool:
        """True when this run looked at ``path`` (so what it says about it is current)."""
        if path in self.errors:
            return False
        for root in self.paths:
            if path == root:
                return True  # named explicitly: discovery takes it even when excluded
            if is_under(path, root):
                return not is_excluded(path, self.exclude)
        return False

    def to_json(self) -> dict[str, Any]:
        """The stored shape."""
        return {
            "schema": self.schema,
            "timestamp": self.timestamp,
            "commit": self.commit,
            "branch": self.branch,
            "command": self.command,
            "paths": list(self.paths),
            "exclude": list(self.exclude),
            "errors": list(self.errors),
            "codemods": {cid: rec.to_json() for cid, rec in sorted(self.codemods.items())},
        }

    def to_line(self) -> bytes:
        """The record as one JSONL line (compact, keys sorted so diffs are stable)."""
        text = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return (text + "\n").encode("utf-8")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Record:
        """Inverse of :meth:`to_json`; raises KeyError/TypeError/ValueError on a bad shape."""
        return cls(
            schema=int(data["schema"]),
            timestamp=str(data["timestamp"]),
            commit=None if data.get("commit") is None else str(data["commit"]),
            branch=None if data.get("branch") is None else str(data["branch"]),
            command=str(data.get("command", "")),
            paths=tuple(str(p) for p in data["paths"]),
            exclude=tuple(str(g) for g in data.get("exclude", [])),
            errors=tuple(str(p) for p in data.get("errors", [])),
            codemods={
                str(cid): CodemodRecord.from_json(str(cid), rec)
                for cid, rec in dict(data["codemods"]).items()
            },
        )


@dataclass(frozen=True)
class LedgerProblem:
    """A line of the ledger that was skipped, and why."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass(frozen=True)
class LedgerContents:
    """The readable records in file order, and the lines that were skipped."""

    records: tuple[Record, ...] = ()
    problems: tuple[LedgerProblem, ...] = ()

    def latest(self, codemod: str) -> Record | None:
        """The newest record that holds ``codemod``."""
        for record in reversed(self.records):
            if codemod in record.codemods:
                return record
        return None

    def codemods(self) -> list[str]:
        """Every codemod id the ledger mentions, sorted."""
        return sorted({cid for record in self.records for cid in record.codemods})


def parse(data: bytes, source: str = LEDGER_REL) -> LedgerContents:
    """Parse ledger bytes: malformed lines become problems; a newer schema raises LedgerError."""
    records: list[Record] = []
    problems: list[LedgerProblem] = []
    lines = data.split(b"\n")
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        truncated = number == len(lines)  # no newline after it: a write that did not finish
        try:
            item = json.loads(raw.decode("utf-8"))
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
            schema = item.get("schema")
            if isinstance(schema, int) and schema > SCHEMA_VERSION:
                raise LedgerError(_newer_message(source, number, schema))
            records.append(Record.from_json(item))
        except LedgerError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            what = "truncated record (an interrupted write?)" if truncated else "malformed record"
            problems.append(LedgerProblem(number, f"{what}, skipped: {_explain(exc)}"))
    return LedgerContents(tuple(records), tuple(problems))


def _explain(exc: Exception) -> str:
    """What is wrong with a record, in words (a KeyError alone prints as just ``'timestamp'``)."""
    if isinstance(exc, json.JSONDecodeError):
        return f"not valid JSON ({exc.msg} at column {exc.colno})"
    if isinstance(exc, KeyError):
        return f"the field {exc.args[0]!r} is missing"
    if isinstance(exc, UnicodeDecodeError):
        return "not valid UTF-8"
    if isinstance(exc, (TypeError, AttributeError)):
        return f"a field has the wrong type ({exc})"
    return str(exc)


def refuse_newer(data: bytes, source: str = LEDGER_REL) -> None:
    """Raise LedgerError when a line of ``data`` has a schema newer than this version reads."""
    for number, raw in enumerate(data.split(b"\n"), 1):
        if b'"schema"' not in raw:
            continue
        try:
            schema = json.loads(raw.decode("utf-8")).get("schema")
        except (ValueError, AttributeError):
            continue  # malformed lines are reported by readers, not fatal
        if isinstance(schema, int) and schema > SCHEMA_VERSION:
            raise LedgerError(_newer_message(source, number, schema))


def _newer_message(source: str, number: int, schema: int) -> str:
    return (
        f"{source} line {number} was written by a newer backfix (ledger schema {schema}; "
        f"this version reads up to {SCHEMA_VERSION}); upgrade backfix"
    )


def read(path: Path) -> LedgerContents:
    """Read the ledger at ``path``; a missing file is an empty ledger."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return LedgerContents()
    except OSError as exc:
        raise LedgerError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse(data, str(path))


def appended(existing: bytes, record: Record) -> bytes:
    """``existing`` ledger bytes with ``record`` added (for a branch commit's copy of the ledger)."""
    refuse_newer(existing)
    prefix = existing if not existing or existing.endswith(b"\n") else existing + b"\n"
    return prefix + record.to_line()


@contextmanager
def _locked(fd: int) -> Iterator[None]:
    if fcntl is None:  # pragma: no cover - Windows: O_APPEND alone
        yield
        return
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)


def append(path: Path, record: Record) -> None:
    """Append ``record`` durably: one write under an exclusive lock, then fsync.

    Raises LedgerError when the ledger holds a record of a newer schema.
    """
    try:
        existing = path.read_bytes()
    except FileNotFoundError:
        existing = b""
    refuse_newer(existing, str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    created = not path.exists()
    line = record.to_line()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        with _locked(fd):
            size = os.fstat(fd).st_size
            os.lseek(fd, max(size - 1, 0), os.SEEK_SET)
            if size and os.read(fd, 1) != b"\n":
                line = b"\n" + line  # a crashed writer left a partial line: keep ours separate
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
    finally:
        os.close(fd)
    if created:
        _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory handles
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def git_position(git_root: Path | None) -> tuple[str | None, str | None]:
    """(commit sha, branch name) of HEAD in the work tree at ``git_root``; None for what does not
    exist (outside git, detached, no commit yet)."""
    if git_root is None:
        return None, None
    return gitcli.head_position(git_root)


def now() -> str:
    """The current UTC time, ISO 8601 with a Z."""
    return (
        dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    )


def make_record(
    *,
    command: str,
    paths: Sequence[str],
    exclude: Sequence[str],
    codemods: Mapping[str, CodemodRecord],
    git_root: Path | None,
    errors: Iterable[str] = (),
    timestamp: str | None = None,
) -> Record:
    """A record stamped with the time and the repository's HEAD."""
    commit, branch = git_position(git_root)
    return Record(
        timestamp=timestamp or now(),
        command=command,
        paths=tuple(paths),
        exclude=tuple(exclude),
        codemods=dict(codemods),
        commit=commit,
        branch=branch,
        errors=tuple(sorted(set(errors))),
    )
