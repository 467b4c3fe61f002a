"""``--since REF`` on scan, apply and check, on a repository with two commits (bare-except)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from testkit import FIXED, LEGACY, commit_all, git, init_repo, invoke_in


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """``old.py`` in the first commit, ``new.py`` in the second; ``local.py`` untracked and
    ``edited.py`` (committed first) edited in the working tree. All four hold a bare except."""
    root = init_repo(tmp_path / "repo", {"old.py": LEGACY, "edited.py": LEGACY}, "first")
    git(root, "tag", "v1")
    (root / "new.py").write_text(LEGACY)
    commit_all(root, "second")
    (root / "local.py").write_text(LEGACY)
    (root / "edited.py").write_text("# edited\n" + LEGACY)
    return root


def test_scan_since_reports_only_changed_files(repo: Path) -> None:
    code, out, _ = invoke_in(repo, "scan", "--since", "v1", "--format", "json", "--no-ledger")
    assert code == 1
    paths = {v["path"] for v in json.loads(out)["violations"]}
    assert paths == {"new.py", "local.py", "edited.py"}
    code, out, _ = invoke_in(repo, "scan", "--since", "HEAD", "--format", "json", "--no-ledger")
    assert {v["path"] for v in json.loads(out)["violations"]} == {"local.py", "edited.py"}


def test_scan_since_a_ref_that_does_not_exist(repo: Path) -> None:
    code, _, err = invoke_in(repo, "scan", "--since", "no-such-branch")
    assert code == 2
    assert "'no-such-branch' does not name a commit" in err
    assert not (repo / ".backfix").exists()


def test_scan_since_records_the_full_scan(repo: Path) -> None:
    """Every file was analysed, so the ledger holds all of them; only the output is narrowed."""
    code, out, _ = invoke_in(repo, "scan", "--since", "HEAD")
    assert code == 1 and "old.py" not in out
    record = json.loads((repo / ".backfix/ledger.jsonl").read_text().splitlines()[-1])
    assert set(record["codemods"]["bare-except"]["files"]) == {
        "old.py",
        "new.py",
        "local.py",
        "edited.py",
    }


def test_apply_since_rewrites_only_changed_files(repo: Path) -> None:
    git(repo, "add", "edited.py")  # staged counts as changed too
    code, _, err = invoke_in(repo, "apply", "bare-except", "--since", "v1", "--allow-dirty")
    assert code == 0, err
    assert (repo / "old.py").read_text() == LEGACY
    assert (repo / "new.py").read_text() == FIXED
    assert (repo / "local.py").read_text() == FIXED
    assert (repo / "edited.py").read_text() == "# edited\n" + FIXED
    record = json.loads((repo / ".backfix/ledger.jsonl").read_text().splitlines()[-1])
    assert "--since v1" in record["command"]
    # The skipped file's violation still counts as remaining.
    assert set(record["codemods"]["bare-except"]["files"]) == {"old.py"}


def test_apply_since_with_max_files(repo: Path) -> None:
    code, _, err = invoke_in(
        repo, "apply", "bare-except", "--since", "v1", "--max-files", "1", "--allow-dirty"
    )
    assert code == 0, err
    fixed = [
        p
        for p in ("old.py", "new.py", "local.py", "edited.py")
        if "BaseException" in (repo / p).read_text()
    ]
    assert len(fixed) == 1 and fixed[0] != "old.py"


SWALLOWS = "\n\ndef h():\n    try:\n        g()\n    except:\n        pass\n"


def test_check_since_compares_only_changed_files(repo: Path) -> None:
    """A violation main already has is not the pull request's; one the branch adds is."""
    invoke_in(repo, "scan", "--path", ".")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baseline")
    (repo / "old.py").write_text(LEGACY + SWALLOWS)
    git(repo, "commit", "-q", "-am", "a violation merged without the ledger")
    git(repo, "checkout", "-q", "-b", "feature")
    (repo / "fresh.py").write_text("x = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "feature work")
    code, out, _ = invoke_in(repo, "check")
    assert code == 1 and "new: old.py" in out
    code, out, _ = invoke_in(repo, "check", "--since", "main")
    assert code == 0, out
    (repo / "new.py").write_text(LEGACY + SWALLOWS)
    code, out, _ = invoke_in(repo, "check", "--since", "main")
    assert code == 1 and "new: new.py" in out and "old.py" not in out


def test_check_since_fails_on_a_new_violation_in_a_changed_file(repo: Path) -> None:
    invoke_in(repo, "scan", "--path", ".")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "baseline")
    (repo / "new.py").write_text(LEGACY + SWALLOWS)
    code, out, _ = invoke_in(repo, "check", "--since", "HEAD")
    assert code == 1 and "new: new.py" in out


def test_since_outside_git(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(LEGACY)
    code, _, err = invoke_in(tmp_path, "scan", "--since", "main", "--no-ledger")
    assert code == 2 and "--since main needs a git repository" in err
