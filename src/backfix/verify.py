"""``apply --verify CMD``: the project's own tests decide whether a rewrite is kept.

The test command runs once before anything is rewritten (the baseline) and once on the rewritten
tree. In place, that tree is the working tree: the changes are written (atomically, as a unit), the
tests run, and the files are restored byte for byte (new files and the folders made for them removed)
before the normal write path writes them for good, so the ledger and the interrupt handling stay the
ones every apply has. With ``--branch`` it is a temporary git worktree of HEAD, so the user's tree is
never touched. When the rewritten tree fails, nothing is written and no branch is created, unless
``--bisect`` narrows the failure down to the units that cause it (see backfix.bisection).

With ``--verify-baseline-failing`` a baseline that fails is accepted when its output names the failing
tests (see backfix.testrun); the rewrite then passes when no test fails that did not fail before.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from backfix import console, gitops, interrupts
from backfix.bisection import Replan, bisect
from backfix.discovery import Workspace
from backfix.results import FileChange, RunResult
from backfix.sinks import SinkError, write_in_place
from backfix.testrun import TestRun, run_tests
from backfix.writer import atomic_write


class VerifyFailed(SinkError):
    """The tests failed; nothing was written. The message carries the output's tail."""


@dataclass(frozen=True)
class VerifyRequest:
    """What ``apply`` was asked for: the command (or the configured one) and how to judge it."""

    command: str | None = None
    skip: bool = False
    baseline_failing: bool = False
    bisect: bool = False

    def resolve(self, table: Mapping[str, Any]) -> str | None:
        """``--verify CMD``, else ``verify_command`` from ``[tool.backfix]``; None with --no-verify."""
        if self.skip:
            return None
        configured = table.get("verify_command")
        return self.command or (str(configured) if configured else None)


def options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--verify``, ``--no-verify``, ``--verify-baseline-failing`` and ``--bisect`` to ``apply``.

    The command receives them as one ``review: VerifyRequest`` argument.
    """

    @functools.wraps(command)
    def wrapper(**kwargs: Any) -> Any:
        request = VerifyRequest(
            command=kwargs.pop("verify_command"),
            skip=kwargs.pop("no_verify"),
            baseline_failing=kwargs.pop("verify_baseline_failing"),
            bisect=kwargs.pop("bisect"),
        )
        if request.command and request.skip:
            raise click.UsageError("--verify and --no-verify exclude each other")
        if (request.command or request.bisect) and kwargs.get("dry_run"):
            raise click.UsageError("--verify and --bisect test a rewrite; --dry-run writes none")
        return command(review=request, **kwargs)

    decorators = [
        click.option(
            "--verify",
            "verify_command",
            metavar="CMD",
            default=None,
            help="Run this test command before and after rewriting; undo the rewrite if it fails "
            "(default: verify_command in [tool.backfix]).",
        ),
        click.option("--no-verify", is_flag=True, help="Do not run the configured verify_command."),
        click.option(
            "--verify-baseline-failing",
            is_flag=True,
            help="Accept tests that already fail before the rewrite; refuse only new failures.",
        ),
        click.option(
            "--bisect",
            is_flag=True,
            help="When the tests fail, keep the units that pass and back out the ones that break "
            "them.",
        ),
    ]
    for decorator in reversed(decorators):
        wrapper = decorator(wrapper)
    return wrapper


# --- the tree the tests run in ---------------------------------------------------------------------


@dataclass
class TrialTree:
    """Where trial changes are written and undone: the working tree, or a temporary worktree."""

    root: Path
    cwd: Path
    in_place: bool
    _written: list[FileChange] = field(default_factory=list)
    _made_dirs: list[Path] = field(default_factory=list)

    def write(self, changes: Sequence[FileChange]) -> None:
        """Write ``changes`` as one all-or-nothing unit; an interrupt undoes them and propagates."""
        local = [self._here(change) for change in changes]
        self._made_dirs += _missing_dirs(local)
        with interrupts.deferred() as signals:
            self._written = write_in_place([local])
        if signals.received:
            self.undo()
            raise KeyboardInterrupt

    def undo(self) -> None:
        """Restore every file written by :meth:`write` byte for byte; remove new files and folders.

        An interrupt waits until everything is restored, then propagates.
        """
        with interrupts.deferred() as signals:
            for change in reversed(self._written):
                path = Path(change.abs_path)
                if change.before is None:
                    path.unlink(missing_ok=True)
                else:
                    atomic_write(path, change.before)
            self._written = []
            for folder in sorted(self._made_dirs, key=lambda p: len(p.parts), reverse=True):
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only when empty: the tests may have left files there
            self._made_dirs = []
        if signals.received:
            raise KeyboardInterrupt

    def _here(self, change: FileChange) -> FileChange:
        """``change`` relocated into this tree (it is read from there, so ``before`` is what is)."""
        if self.in_place:
            return change
        path = self.root / change.path
        before = path.read_bytes() if path.exists() else None
        return FileChange(change.path, str(path), before, change.after)


def _missing_dirs(changes: Sequence[FileChange]) -> list[Path]:
    missing: list[Path] = []
    for change in changes:
        folder = Path(change.abs_path).parent
        while not folder.exists() and folder not in missing:
            missing.append(folder)
            folder = folder.parent
    return missing


@contextlib.contextmanager
def trial_tree(workspace: Workspace, in_place: bool) -> Iterator[TrialTree]:
    """The working tree (``in_place``), or a temporary worktree of HEAD removed afterwards."""
    cwd = Path.cwd().resolve()
    if in_place or workspace.repo is None:
        tree = TrialTree(workspace.root, cwd, in_place=True)
        try:
            yield tree
        finally:
            tree.undo()
        return
    try:
        with gitops.temporary_worktree(workspace.repo) as root:
            try:
                inside = cwd.relative_to(workspace.root)
            except ValueError:
                inside = Path()
            # The same folder in the worktree, unless it is not in HEAD (an untracked folder).
            cwd = root / inside if (root / inside).is_dir() else root
            tree = TrialTree(root, cwd, in_place=False)
            try:
                yield tree
            finally:
                tree.undo()
    except gitops.GitError as exc:
        raise SinkError(str(exc)) from None


# --- judging a run ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Judge:
    """Decides whether a run on the rewritten tree is acceptable, given the baseline run."""

    baseline: TestRun
    allow_baseline_failures: bool

    def problem(self, run: TestRun) -> str | None:
        """None when ``run`` is acceptable; otherwise what is wrong, for the user."""
        if run.passed:
            return None
        if not self.allow_baseline_failures or self.baseline.passed:
            return f"`{run.command}` exited with status {run.returncode}"
        failing = run.failing
        if not failing:
            return (
                f"`{run.command}` exited with status {run.returncode} and its output names no "
                "failing test to compare with the baseline"
            )
        new = sorted(failing - self.baseline.failing)
        if new:
            listing = "".join(f"\n  {test}" for test in new)
            return f"tests that passed before the rewrite now fail:{listing}"
        return None


#: the shell's exit statuses for a command it found but could not run, and one it did not find
SHELL_CANNOT_RUN = {126: "is not executable", 127: "was not found"}


def check_runnable(run: TestRun, tree: TrialTree) -> None:
    """Stop with the real cause when the shell could not start the test command at all, which
    is no test failure (``--verify-baseline-failing`` would not help)."""
    why = SHELL_CANNOT_RUN.get(run.returncode)
    if why is None:
        return
    hint = (
        ""
        if tree.in_place
        else "; it runs in a temporary worktree of HEAD, where untracked files (a virtualenv such "
        "as .venv) do not exist: give the command by its absolute path"
    )
    raise VerifyFailed(
        f"the test command `{run.command}` {why} (exit status {run.returncode}) in {tree.cwd}"
        f"{hint}; nothing was written. Last lines of its output:\n{run.tail()}"
    )


def check_baseline(run: TestRun, allow_failures: bool) -> None:
    """Stop (nothing written) when the tests fail before any rewrite, unless that is accepted."""
    if run.passed:
        return
    where = f"`{run.command}` exited with status {run.returncode} before any rewrite"
    if not allow_failures:
        raise VerifyFailed(
            f"the tests already fail: {where}; nothing was written. Fix them first, or pass "
            "--verify-baseline-failing to accept the tests that fail now and refuse only new "
            f"failures. Last lines of its output:\n{run.tail()}"
        )
    if not run.failing:
        raise VerifyFailed(
            f"{where}, and its output names no failing test, so new failures could not be told "
            "apart (--verify-baseline-failing reads pytest's FAILED/ERROR summary lines and "
            f"unittest's FAIL:/ERROR: lines); nothing was written. Last lines of its output:\n"
            f"{run.tail()}"
        )
    say(f"{len(run.failing)} test(s) fail before the rewrite; only new failures will count")


def say(message: str) -> None:
    """A progress line on stderr."""
    console.stderr.print(f"verify: {message}", markup=False)


# --- the gate --------------------------------------------------------------------------------------


@dataclass
class Verifier:
    """Runs the test command on trial trees; shared by the plain check and the bisection."""

    tree: TrialTree
    command: str
    judge: Judge | None = None
    env: dict[str, str] = field(default_factory=dict)

    def run(self) -> TestRun:
        """Run the command in the tree as it is now."""
        return run_tests(self.command, self.tree.cwd, self.env)

    def trial(self, changes: Sequence[FileChange]) -> tuple[TestRun, str | None]:
        """Write ``changes``, run the tests, undo; the run and what is wrong with it (None: ok)."""
        self.tree.write(changes)
        try:
            run = self.run()
        finally:
            self.tree.undo()
        assert self.judge is not None
        return run, self.judge.problem(run)


def verified(
    request: VerifyRequest,
    table: Mapping[str, Any],
    workspace: Workspace,
    finish: Callable[[RunResult], object],
    replan: Replan,
    result: RunResult,
    *,
    in_place: bool,
) -> RunResult:
    """``result`` when its changes pass the tests; after ``--bisect``, the part that passes.

    Raises VerifyFailed (nothing written, no branch) when the tests fail and there is nothing to
    keep. ``finish`` re-records the ledger entry when the bisection changed what will be written.
    """
    command = request.resolve(table)
    if command is None:
        if request.bisect or request.baseline_failing:
            raise SinkError(
                "--bisect and --verify-baseline-failing need a test command: pass --verify CMD "
                "or set verify_command in [tool.backfix]"
            )
        return result
    with trial_tree(workspace, in_place) as tree:
        env = {"PYTHONDONTWRITEBYTECODE": "1", "BACKFIX_PROJECT_ROOT": str(workspace.root)}
        verifier = Verifier(tree, command, env=env)
        where = "in the working tree" if tree.in_place else "in a temporary worktree of HEAD"
        say(f"running `{command}` {where}, before the rewrite")
        baseline = verifier.run()
        check_runnable(baseline, tree)
        check_baseline(baseline, request.baseline_failing)
        say(f"baseline done in {baseline.seconds:.1f}s; running it on the rewritten tree")
        verifier.judge = Judge(baseline, request.baseline_failing)
        run, problem = verifier.trial(result.changes)
        if problem is None:
            say(f"the rewritten tree passes ({run.seconds:.1f}s)")
            return result
        if not request.bisect:
            restored = "your files were restored; " if tree.in_place else ""
            raise VerifyFailed(
                f"the rewrite broke the tests: {problem}; {restored}nothing was written and no "
                "branch was created (--bisect keeps the parts that pass). Last lines of its "
                f"output:\n{run.tail()}"
            )
        kept = bisect(verifier.trial, result, replan, run, problem, command)
    if not kept.changes:
        raise VerifyFailed("every unit broke the tests; nothing was written")
    finish(kept)
    return kept
