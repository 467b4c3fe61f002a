"""The ruff a project pins (its pre-commit hook, an exact pin, a lock file), and the note when the
changed lines were formatted by another minor release of ruff."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import invoke_in, write_files

from backfix.tool_pins import pinned_version, ruff_pin_note

HOOK = (
    "repos:\n"
    "  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
    "    rev: v{version}\n"
    "    hooks:\n"
    "      - id: ruff-format\n"
)


def test_the_pre_commit_hook_says_first(tmp_path: Path) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text(HOOK.format(version="0.12.8"))
    (tmp_path / "requirements-dev.txt").write_text("ruff==0.9.1\n")
    assert pinned_version(tmp_path, tmp_path, "ruff", "ruff-pre-commit") == (
        "0.12.8",
        ".pre-commit-config.yaml",
    )


@pytest.mark.parametrize(
    ("requirement", "expected"),
    [("ruff==0.9.1", ("0.9.1", "requirements-dev.txt")), ("ruff>=0.9", None)],
)
def test_an_exact_pin_says_a_range_does_not(
    tmp_path: Path, requirement: str, expected: tuple[str, str] | None
) -> None:
    (tmp_path / "requirements-dev.txt").write_text(requirement + "\n")
    assert pinned_version(tmp_path, tmp_path, "ruff", "ruff-pre-commit") == expected


@pytest.mark.parametrize(("pinned", "noted"), [("0.12.8", True), ("0.17.2", False)])
def test_another_minor_release_is_named_in_a_note(tmp_path: Path, pinned: str, noted: bool) -> None:
    (tmp_path / ".pre-commit-config.yaml").write_text(HOOK.format(version=pinned))
    note = ruff_pin_note((0, 17), tmp_path, tmp_path)
    if noted:
        assert note.startswith("ruff 0.17 formatted the changed lines, and ")
        assert ".pre-commit-config.yaml pins ruff 0.12.8, whose formatter style may differ" in note
    else:
        assert note == ""


def test_apply_names_the_pinned_ruff(tmp_path: Path) -> None:
    """A project whose pre-commit hook formats with ruff 0.1.15: the changed lines are formatted
    by the ruff backfix runs, and the run says so."""
    files = {
        ".pre-commit-config.yaml": HOOK.format(version="0.1.15"),
        "pyproject.toml": "[tool.ruff]\nline-length = 88\n",
        "app/jobs.py": "def run(job):\n    try:\n        job()\n    except:\n        pass\n",
    }
    write_files(tmp_path, files)
    code, out, err = invoke_in(tmp_path, "--no-cache", "apply", "bare-except", "--dry-run")
    assert code in (0, 1), out
    assert ".pre-commit-config.yaml pins ruff 0.1.15, whose formatter style may differ" in out + err
