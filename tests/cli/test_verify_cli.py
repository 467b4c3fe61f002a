"""``apply --verify``/``--bisect`` through the CLI with a tiny "test suite": a shell command that
fails when one particular file is rewritten (bare-except, one unit per file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testkit import FIXED, LEGACY, git, init_repo, invoke_in

#: "the tests": pass unless b.py was rewritten.
TESTS = (
    "! grep -q BaseException b.py || { echo 'FAILED test_b.py::test_b - b.py changed'; exit 1; }"
)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """a.py, b.py and c.py, each with a bare except that re-raises, committed."""
    files = dict.fromkeys(("a.py", "b.py", "c.py"), LEGACY)
    return init_repo(tmp_path / "repo", files, "three files")


def test_verify_failure_writes_nothing(repo: Path) -> None:
    code, _, err = invoke_in(repo, "apply", "bare-except", "--verify", TESTS)
    assert code == 2
    assert "the rewrite broke the tests" in err and "b.py changed" in err
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_verify_success_writes_as_usual(repo: Path) -> None:
    code, _, err = invoke_in(repo, "apply", "bare-except", "--path", "a.py", "--verify", TESTS)
    assert code == 0, err
    assert "the rewritten tree passes" in err
    assert (repo / "a.py").read_text() == FIXED


def test_bisect_in_place(repo: Path) -> None:
    code, out, err = invoke_in(repo, "apply", "bare-except", "--verify", TESTS, "--bisect")
    assert code == 0, err
    assert [(repo / n).read_text() == FIXED for n in ("a.py", "b.py", "c.py")] == [
        True,
        False,
        True,
    ]
    assert "=== backed out: b.py broke the tests" in out
    assert "+    except BaseException:" in out and "b.py changed" in out
    assert "1 for manual review" in err
    record = json.loads((repo / ".backfix/ledger.jsonl").read_text().splitlines()[-1])
    entries = record["codemods"]["bare-except"]["files"]["b.py"]
    assert [e["reason"].split(":")[0] for e in entries] == ["broke the tests"]
    assert {e["path"] for e in record["codemods"]["bare-except"]["fixed"]} == {"a.py", "c.py"}


def test_bisect_on_a_branch(repo: Path) -> None:
    code, _, err = invoke_in(
        repo, "apply", "bare-except", "--branch", "b1", "--verify", TESTS, "--bisect"
    )
    assert code == 0, err
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""
    assert git(repo, "show", "b1:a.py") == FIXED and git(repo, "show", "b1:b.py") == LEGACY
    assert "broke the tests" in git(repo, "log", "-1", "--format=%B", "b1")


def test_a_command_that_is_not_there_in_the_temporary_worktree(repo: Path) -> None:
    """An untracked virtualenv is not in the worktree of HEAD a branch run tests in: the user
    learns that, not that the tests fail."""
    (repo / ".venv/bin").mkdir(parents=True)
    code, _, err = invoke_in(
        repo, "apply", "bare-except", "--branch", "b1", "--verify", ".venv/bin/pytest -q"
    )
    assert code == 2
    assert "`.venv/bin/pytest -q` was not found (exit status 127)" in err
    assert "absolute path" in err and "--verify-baseline-failing" not in err
    assert git(repo, "branch", "--list", "b1") == ""


def test_everything_breaks(repo: Path) -> None:
    code, _, err = invoke_in(repo, "apply", "bare-except", "--verify", "exit 1", "--bisect")
    assert code == 2
    assert "the tests already fail" in err


def test_every_unit_backed_out(repo: Path) -> None:
    broken = "! grep -rq BaseException ."
    code, out, err = invoke_in(repo, "apply", "bare-except", "--verify", broken, "--bisect")
    assert code == 2 and "every unit broke the tests; nothing was written" in err
    assert out.count("=== backed out:") == 3
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_option_errors(repo: Path) -> None:
    code, _, err = invoke_in(repo, "apply", "bare-except", "--bisect")
    assert code == 2 and "--bisect and --verify-baseline-failing need a test command" in err
    code, _, err = invoke_in(repo, "apply", "bare-except", "--dry-run", "--verify", "true")
    assert code == 2 and "--dry-run writes none" in err
    code, _, err = invoke_in(repo, "apply", "bare-except", "--no-verify", "--verify", "true")
    assert code == 2 and "exclude each other" in err
    assert git(repo, "status", "--porcelain", "--untracked-files=all") == ""


def test_unknown_config_keys_still_fail_and_verify_command_is_known(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.backfix]\nverify_command = "exit 3"\n')
    code, _, err = invoke_in(repo, "apply", "bare-except", "--path", "a.py")
    assert code == 2 and "exited with status 3 before any rewrite" in err
    (repo / "pyproject.toml").write_text('[tool.backfix]\nverify_comand = "true"\n')
    code, _, err = invoke_in(repo, "apply", "bare-except", "--path", "a.py")
    assert code == 2 and "unknown key 'verify_comand'" in err
