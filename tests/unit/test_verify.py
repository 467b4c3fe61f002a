"""The pieces of ``apply --verify``/``--bisect``: reading test output, judging a run, the trial tree,
and the halving search (with a fake runner and a fake test command)."""

from __future__ import annotations

import itertools
import subprocess
from collections.abc import Sequence
from pathlib import Path

import git
import pytest

from backfix.bisection import Bisection, Selector, bisect
from backfix.gitops import temporary_worktree
from backfix.results import FileChange, RunResult, Violation
from backfix.testrun import TestRun, failing_tests, run_tests
from backfix.verify import Judge, TrialTree, VerifyFailed, VerifyRequest, check_baseline

PYTEST_OUTPUT = """\
..F.E                                                                    [100%]
=========================== short test summary info ============================
FAILED tests/test_a.py::test_one - AssertionError: assert 1 == 2
FAILED tests/test_a.py::test_param[a b] - KeyError: 'x'
ERROR tests/test_b.py::test_two - RuntimeError: no database
ERROR tests/test_broken.py
2 failed, 1 passed, 2 errors in 0.12s
"""

UNITTEST_OUTPUT = """\
.F.E
======================================================================
ERROR: test_login (tests.test_user.UserCase.test_login)
----------------------------------------------------------------------
Traceback (most recent call last):
======================================================================
FAIL: test_logout (tests.test_user.UserCase.test_logout)
----------------------------------------------------------------------
AssertionError: 1 != 2

FAILED (failures=1, errors=1)
"""


def test_failing_tests_from_pytest_output() -> None:
    assert failing_tests(PYTEST_OUTPUT) == {
        "tests/test_a.py::test_one",
        "tests/test_a.py::test_param[a b]",
        "tests/test_b.py::test_two",
        "tests/test_broken.py",
    }


def test_failing_tests_from_unittest_output() -> None:
    assert failing_tests(UNITTEST_OUTPUT) == {
        "test_login (tests.test_user.UserCase.test_login)",
        "test_logout (tests.test_user.UserCase.test_logout)",
    }


def test_unknown_output_names_no_test() -> None:
    assert failing_tests("make: *** [check] Error 1\n") == frozenset()


def _run(code: int, output: str = "") -> TestRun:
    return TestRun("pytest", code, output, 0.1)


def test_judge_without_baseline_failures_wants_a_pass() -> None:
    judge = Judge(_run(0), allow_baseline_failures=False)
    assert judge.problem(_run(0)) is None
    assert judge.problem(_run(1, PYTEST_OUTPUT)) == "`pytest` exited with status 1"


def test_judge_with_baseline_failures_refuses_only_new_ones() -> None:
    baseline = _run(1, "FAILED tests/test_a.py::test_one\n")
    judge = Judge(baseline, allow_baseline_failures=True)
    assert judge.problem(_run(1, "FAILED tests/test_a.py::test_one - boom\n")) is None
    problem = judge.problem(_run(1, "FAILED tests/test_a.py::test_one\nFAILED tests/t.py::new\n"))
    assert problem is not None and "tests/t.py::new" in problem and "test_one" not in problem
    unreadable = judge.problem(_run(2, "Segmentation fault\n"))
    assert unreadable is not None and "names no failing test" in unreadable


def test_baseline_checks() -> None:
    check_baseline(_run(0), allow_failures=False)
    with pytest.raises(VerifyFailed, match=r"already fail.*--verify-baseline-failing"):
        check_baseline(_run(1, "FAILED t.py::x\n"), allow_failures=False)
    with pytest.raises(VerifyFailed, match="names no failing test"):
        check_baseline(_run(1, "error\n"), allow_failures=True)
    check_baseline(_run(1, "FAILED t.py::x\n"), allow_failures=True)


def test_the_configured_command_is_the_default() -> None:
    table = {"verify_command": "make test"}
    assert VerifyRequest().resolve(table) == "make test"
    assert VerifyRequest(command="pytest").resolve(table) == "pytest"
    assert VerifyRequest(skip=True).resolve(table) is None
    assert VerifyRequest().resolve({}) is None


def test_run_tests_captures_output_and_status(tmp_path: Path) -> None:
    run = run_tests("echo out; echo err >&2; exit 3", tmp_path, {})
    assert run.returncode == 3 and not run.passed
    assert "out" in run.output and "err" in run.output
    assert run.tail(1) == "err"


def test_trial_tree_restores_bytes_and_removes_new_files_and_folders(tmp_path: Path) -> None:
    root = tmp_path / "project"
    (root / "pkg").mkdir(parents=True)
    kept = root / "pkg" / "mod.py"
    kept.write_bytes(b"x = 1\r\n# crlf kept\r\n")
    kept.chmod(0o640)
    tree = TrialTree(root, root, in_place=True)
    changes = [
        FileChange("pkg/mod.py", str(kept), kept.read_bytes(), b"x = 2\n"),
        FileChange("new/deep/svc.py", str(root / "new/deep/svc.py"), None, b"y = 1\n"),
    ]
    tree.write(changes)
    assert kept.read_bytes() == b"x = 2\n" and (root / "new/deep/svc.py").exists()
    tree.undo()
    assert kept.read_bytes() == b"x = 1\r\n# crlf kept\r\n"
    assert kept.stat().st_mode & 0o777 == 0o640
    assert not (root / "new").exists()


# --- the halving search, with a fake runner and a fake test command ---------------------------------


class FakeProject:
    """Units u0..uN; each unit's change also touches a shared service module, as move-commits does."""

    def __init__(self, count: int, breaks: Sequence[frozenset[str]]) -> None:
        self.units = [f"u{i}.py" for i in range(count)]
        self.breaks = breaks
        self.test_runs = 0

    def violations(self) -> list[Violation]:
        return [Violation(u, 1, 1, "fake", "fix me") for u in self.units]

    def replan(self, selector: Selector) -> RunResult:
        chosen = selector(self.violations())
        changes = [FileChange(u, u, b"old", b"new") for u in sorted(chosen)]
        if chosen:
            service = "".join(sorted(chosen)).encode()
            changes.append(FileChange("service.py", "service.py", b"", service))
        fixed = [v for v in self.violations() if v.path in chosen]
        return RunResult(codemods=["fake"], changes=changes, fixed=fixed)

    def trial(self, changes: Sequence[FileChange]) -> tuple[TestRun, str | None]:
        self.test_runs += 1
        present = {c.path for c in changes}
        broken = any(combo <= present for combo in self.breaks)
        return _run(1 if broken else 0, "FAILED t.py::x\n"), "failed" if broken else None


def _bisect(project: FakeProject) -> RunResult:
    full = project.replan(lambda vs: {v.path for v in vs})
    run, problem = project.trial(full.changes)
    assert problem is not None
    return bisect(project.trial, full, project.replan, run, problem, "pytest")


def test_bisect_backs_out_exactly_the_breaking_units() -> None:
    project = FakeProject(8, [frozenset({"u2.py"}), frozenset({"u5.py"})])
    outcome = _bisect(project)
    assert {v.path for v in outcome.fixed} == {f"u{i}.py" for i in (0, 1, 3, 4, 6, 7)}
    manual = {v.path: v.reason for v in outcome.violations}
    assert set(manual) == {"u2.py", "u5.py"}
    assert all(reason.startswith("broke the tests") for reason in manual.values())
    assert not any(v.fixable for v in outcome.violations)
    # The service module holds exactly the kept units, as the runner planned it for them.
    (service,) = [c for c in outcome.changes if c.path == "service.py"]
    assert service.after == b"u0.pyu1.pyu3.pyu4.pyu6.pyu7.py"
    assert project.test_runs <= 1 + 2 * 2 * 3  # about k * log2(n) runs, plus the first one


def test_bisect_keeps_a_set_that_passes_when_units_only_break_together() -> None:
    project = FakeProject(6, [frozenset({"u1.py", "u4.py"})])
    outcome = _bisect(project)
    kept = {v.path for v in outcome.fixed}
    assert len(kept) == 5 and not {"u1.py", "u4.py"} <= kept
    assert project.trial(outcome.changes)[1] is None


@pytest.mark.parametrize("count", [1, 2, 3, 7])
def test_bisect_all_broken_keeps_nothing(count: int) -> None:
    project = FakeProject(count, [frozenset({u}) for u in (f"u{i}.py" for i in range(count))])
    outcome = _bisect(project)
    assert outcome.changes == [] and outcome.fixed == []
    assert len(outcome.violations) == count


def test_every_combination_of_three_units() -> None:
    for size in range(1, 4):
        for broken in itertools.combinations(range(3), size):
            project = FakeProject(3, [frozenset({f"u{i}.py"}) for i in broken])
            outcome = _bisect(project)
            assert {v.path for v in outcome.violations} == {f"u{i}.py" for i in broken}


def test_the_diff_of_a_backed_out_unit_is_against_the_kept_tree() -> None:
    project = FakeProject(2, [frozenset({"u1.py"})])
    full = project.replan(lambda vs: {v.path for v in vs})
    run, problem = project.trial(full.changes)
    assert problem is not None
    search = Bisection(project.units, project.trial, project.replan)
    search.narrow(project.units, (run, problem, full))
    (broken,) = search.broken
    assert broken.unit == "u1.py"
    # The service module's diff starts from the kept u0, not from the original.
    assert "\n-u0.py\n" in broken.diff and "\n+u0.pyu1.py\n" in broken.diff


def test_temporary_worktree_is_removed_again(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    for args in (["init", "-q", "-b", "main"], ["config", "user.name", "T"]):
        subprocess.run(["git", *args], cwd=root, check=True)
    subprocess.run(["git", "config", "user.email", "t@e"], cwd=root, check=True)
    (root / "a.py").write_text("x = 1\n")
    (root / "dirty.py").write_text("uncommitted\n")
    subprocess.run(["git", "add", "a.py"], cwd=root, check=True)
    subprocess.run(["git", "commit", "-q", "-m", "one"], cwd=root, check=True)
    repo = git.Repo(root)
    with temporary_worktree(repo) as tree:
        assert (tree / "a.py").read_text() == "x = 1\n"
        assert not (tree / "dirty.py").exists()  # HEAD, not the working tree
        (tree / "a.py").write_text("x = 2\n")
    assert not tree.exists()
    assert len(repo.git.worktree("list").splitlines()) == 1
    assert (root / "a.py").read_text() == "x = 1\n"
