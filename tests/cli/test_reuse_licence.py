"""The ledger's licence file in a project that follows REUSE (``reuse lint`` wants one per file)."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import git, init_repo, invoke

from backfix.reuse_licence import licence_text

HEADER = "# SPDX-FileCopyrightText: The Taskboard Authors\n#\n# SPDX-License-Identifier: MIT\n\n"

JOBS = """\
def list_jobs(store):
    try:
        return store.all()
    except:
        return []
"""

APP = {
    "LICENSES/MIT.txt": "MIT License\n",
    "app/__init__.py": HEADER,
    "app/routes/__init__.py": HEADER,
    "app/routes/jobs.py": HEADER + JOBS,
    "app/cli.py": "# SPDX-FileCopyrightText: 2024 Jane Doe\n# SPDX-License-Identifier: MIT\n",
}

LICENCE = "SPDX-FileCopyrightText: The Taskboard Authors\n\nSPDX-License-Identifier: MIT\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A REUSE project, committed, as the current folder."""
    root = init_repo(tmp_path / "repo", APP)
    monkeypatch.chdir(root)
    return root


def test_a_scan_gives_a_new_ledger_the_licence_most_files_declare(repo: Path) -> None:
    code, _, err = invoke("scan", "--codemod", "bare-except", "--jobs", "1")
    assert code == 1, err
    assert (repo / ".backfix" / "ledger.jsonl.license").read_text() == LICENCE


def test_a_branch_run_commits_the_licence_with_the_ledger(repo: Path) -> None:
    code, _, err = invoke("apply", "bare-except", "--branch", "batch-1")
    assert code == 0, err
    committed = git(repo, "show", "--name-only", "--format=", "batch-1").split()
    assert sorted(committed) == [
        ".backfix/ledger.jsonl",
        ".backfix/ledger.jsonl.license",
        "app/routes/jobs.py",
    ]
    assert git(repo, "show", "batch-1:.backfix/ledger.jsonl.license") == LICENCE
    assert not (repo / ".backfix").exists()


def test_no_licence_file_outside_reuse_or_where_the_project_covers_backfix(tmp_path: Path) -> None:
    jobs = tmp_path / "jobs.py"
    jobs.write_text(HEADER + JOBS)
    assert licence_text(tmp_path, [jobs]) is None  # no LICENSES/ folder
    (tmp_path / "LICENSES").mkdir()
    (tmp_path / "LICENSES" / "MIT.txt").write_text("MIT License\n")
    assert licence_text(tmp_path, [jobs]) == LICENCE.encode()
    (tmp_path / "REUSE.toml").write_text('[[annotations]]\npath = ".backfix/**"\n')
    assert licence_text(tmp_path, [jobs]) is None
