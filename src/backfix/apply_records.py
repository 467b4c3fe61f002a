"""The ledger work of one ``apply`` run: batch selection, its record, the PR body, the branch copy.

A branch run puts the record into the branch's commit instead of the user's tree: the committed ledger
is the working tree's ledger (records not committed yet included, so the branch carries the baseline)
plus the new record.

A batch (``apply --max-files N``) takes the next N source files with fixable violations in ranking
order; its record still covers all of ``--path``, the skipped files with their violations unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from backfix import ledger, status
from backfix.console import print_warning
from backfix.discovery import Workspace
from backfix.exits import Failure
from backfix.ledger import CodemodRecord, LedgerError, Record
from backfix.line_map import moved_violations
from backfix.records import (
    append_record,
    command_line,
    covered_paths,
    missing_ledger_licence,
)
from backfix.reports import markdown
from backfix.results import FileChange, RunResult, Violation
from backfix.writer import atomic_write

if TYPE_CHECKING:
    from backfix.config import Config


def ranking(config: Config, override: str | None = None) -> str:
    """The next-target ranking: ``--rank``, else ``[tool.backfix] rank``, else ``fewest``."""
    chosen = override or str(config.table.get("rank", status.DEFAULT_RANKING))
    if chosen not in status.RANKINGS:
        raise Failure(f"unknown ranking {chosen!r} (known: {', '.join(status.RANKINGS)})")
    return chosen


@dataclass
class ApplySession:
    """One ``apply`` run's ledger work: batch selection, its record, the PR body, the branch copy."""

    workspace: Workspace
    codemod: str
    paths: Sequence[Path]
    exclude: Sequence[str]
    max_files: int | None = None
    ranking: str = status.DEFAULT_RANKING
    pr_body: Path | None = None
    templates: Sequence[str] = ()
    planned: list[Violation] = field(default_factory=list)
    chosen: set[str] | None = None
    record: Record | None = None
    #: with ``--since``, the changed files: only they are rewritten (see backfix.since).
    only_in: frozenset[str] | None = None
    since: str | None = None

    def only_files(self, violations: list[Violation]) -> set[str]:
        """``RunOptions.only_files``: the next ``max_files`` files in ranking order (of the changed
        files, with ``--since``)."""
        self.planned = list(violations)
        wanted = [v for v in violations if self.only_in is None or v.path in self.only_in]
        if self.max_files is None:
            self.chosen = {v.path for v in wanted}
        else:
            self.chosen = status.select_batch(wanted, self.max_files, self.ranking)
        return self.chosen

    @classmethod
    def create(
        cls,
        workspace: Workspace,
        config: Config,
        codemod: str,
        paths: Sequence[Path],
        exclude: Sequence[str],
        max_files: int | None,
        pr_body: Path | None,
        templates: Path | None,
    ) -> ApplySession:
        """A session for ``apply`` with the project's ranking and template overrides."""
        overrides = [str(templates)] if templates is not None else []
        if config.table.get("templates"):
            overrides.append(str(config.root / str(config.table["templates"])))
        return cls(
            workspace,
            codemod,
            list(paths),
            [*config.exclude, *exclude],
            max_files,
            ranking(config),
            pr_body,
            overrides,
        )

    @property
    def selector(self) -> Callable[[list[Violation]], set[str]] | None:
        """``only_files`` when batching (``--max-files``, ``--since``), else None: every file."""
        return self.only_files if self.max_files is not None or self.only_in is not None else None

    def finish(self, result: RunResult) -> Record:
        """The record of this run: remaining = what the run left + the files the batch skipped.

        With ``--max-files`` the skipped files' violations are put back into ``result.violations``
        too, so the summary and the commit message count what remains in all of ``--path``.
        """
        remaining = list(result.violations)
        if self.chosen is not None:
            # Called again after an interrupted write: the skipped files are already back.
            present = set(remaining)
            remaining += [v for v in self.planned if v.path not in self.chosen and v not in present]
            result.violations = sorted(remaining)
        # What is left is recorded where it is in the files the run writes, as the summary
        # reports it.
        left = moved_violations(replace(result, violations=remaining)).violations
        self.record = ledger.make_record(
            command=command_line(
                "apply",
                self.codemod,
                path=[str(p) for p in self.paths],
                max_files=self.max_files,
                since=self.since,
            ),
            paths=covered_paths(self.workspace, self.paths),
            exclude=self.exclude,
            codemods={self.codemod: CodemodRecord.from_violations(left, result.fixed)},
            git_root=self.workspace.git_root,
            errors=(e.path for e in result.errors),
        )
        return self.record

    def _status_after(self) -> status.CodemodStatus | None:
        try:
            contents = ledger.read(ledger.ledger_path(self.workspace.root))
        except LedgerError:
            return None
        records = [*contents.records, *([self.record] if self.record else [])]
        return status.codemod_status(records, self.codemod, self.ranking)

    def _context(self, result: RunResult) -> dict[str, object]:
        return markdown.batch_context(self.codemod, result, self._status_after(), self.max_files)

    def commit_extra(self, result: RunResult) -> str:
        """The migration-progress paragraph for the branch commit message."""
        return markdown.commit_progress(self._context(result), self.templates)

    def write_pr_body(self, result: RunResult) -> None:
        """Render ``--pr-body FILE`` when it was asked for."""
        if self.pr_body is None:
            return
        text = markdown.pr_body(self._context(result), self.templates)
        try:
            atomic_write(self.pr_body, text.encode("utf-8"))
        except OSError as exc:
            print_warning(f"cannot write {self.pr_body}: {exc.strerror or exc}")

    def append(self) -> None:
        """Append this run's record to the ledger in the working tree."""
        if self.record is not None:
            append_record(self.workspace, self.record)

    def branch_changes(self, changes: Sequence[FileChange]) -> list[FileChange]:
        """``changes`` plus the ledger with this run's record, for the branch commit only."""
        from backfix import gitops  # only a branch run needs GitPython here

        if self.record is None:
            return list(changes)
        path = ledger.ledger_path(self.workspace.root)
        before = path.read_bytes() if path.exists() else None
        try:
            after = ledger.appended(before or b"", self.record)
        except LedgerError as exc:
            print_warning(f"the ledger was not updated: {exc}")
            return list(changes)
        repo = self.workspace.repo
        if repo is not None and gitops.dirty_paths(repo, [ledger.LEDGER_REL]):
            print_warning(
                f"your {ledger.LEDGER_REL} has changes that are not committed; the branch carries "
                "them plus this run's record, so git will refuse to check the branch out over "
                f"your copy: commit it first, or discard it (git checkout -- {ledger.LEDGER_REL}, "
                "or delete it when untracked) before switching"
            )
        kept = [*changes, FileChange(ledger.LEDGER_REL, str(path), before, after)]
        licence = missing_ledger_licence(self.workspace)
        if licence is not None:
            licence_path, text = licence
            rel = self.workspace.rel(licence_path)
            kept.append(FileChange(rel, str(licence_path), None, text))
        return kept
