"""backfix.black_pass through backfix.formatting: in a black project, black runs over the changed
statements after ruff, so the output passes ``black --check`` where ruff's formatting would not."""

from __future__ import annotations

import importlib.util
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from backfix import formatting
from backfix.black_pass import (
    BlackError,
    confined,
    find_black,
    run_black,
    tool_version,
    without_rows,
)
from backfix.black_worker import BlackRunner, script_interpreter
from backfix.formatting import format_changes
from backfix.results import FileChange

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("black") is None or find_black(None) is None,
    reason="black (23.11 or later) is a test dependency",
)

#: a black project's function, and the same after a fix of its loop's query
LOOP_BEFORE = """\
def crates_per_dock(query):
    totals = {}
    for (
        crate,
        dock,
    ) in query.all():
        totals[dock.code] = crate.weight
    return totals
"""
LOOP_FIXED = LOOP_BEFORE.replace(
    ") in query.all():", ") in db.session.execute(query).unique().all():"
)
#: black keeps the iterable of a wrapped ``for`` header in parentheses; ruff does not
LOOP_BLACK = LOOP_BEFORE.replace(
    ") in query.all():",
    ") in (\n        db.session.execute(query).unique().all()\n    ):",
)


def _project(root: Path, black_table: str = "line-length = 79\n") -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(f"[tool.black]\n{black_table}", encoding="utf-8")
    return root / "loops.py"


def _formatted(
    path: Path, before: str, after: str, root: Path | None = None
) -> tuple[str, list[str]]:
    change = FileChange(path.name, str(path), before.encode(), after.encode())
    changes, notes = format_changes([change], None, root=root)
    return changes[0].after.decode("utf-8"), notes


def _passes_black(path: Path, text: str) -> bool:
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "black", "--check", "-q", path.name],
        cwd=path.parent,
        capture_output=True,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.returncode == 0


def test_black_wraps_what_ruff_leaves_and_the_fixed_file_passes_black(tmp_path: Path) -> None:
    path = _project(tmp_path)
    assert _passes_black(path, LOOP_BEFORE)
    text, notes = _formatted(path, LOOP_BEFORE, LOOP_FIXED)
    assert (text, notes) == (LOOP_BLACK, [])
    assert _passes_black(path, text)


def test_without_black_ruff_formats_alone_and_the_run_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formatting, "find_black", lambda root=None: None)
    path = _project(tmp_path)
    text, notes = _formatted(path, LOOP_BEFORE, LOOP_FIXED)
    assert text == LOOP_FIXED  # ruff's formatting: what backfix wrote before black ran
    assert not _passes_black(path, text)
    assert len(notes) == 1 and "black (23.11 or later) was not found" in notes[0]


RUFF_FORMAT_HOOK = (
    "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: v0.7.0\n"
    "    hooks:\n      - id: ruff-format\n"
)


@pytest.mark.parametrize("project", ["ruff", "black-table-ruff-hook"])
def test_a_project_black_does_not_format_never_looks_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project: str
) -> None:
    """A ruff project, and one with a ``[tool.black]`` table whose pre-commit hook runs ruff's
    formatter (not black): ruff alone formats them, as before."""

    def fail(root: Path | None = None) -> None:
        raise AssertionError("black looked for in a project black does not format")

    monkeypatch.setattr(formatting, "find_black", fail)
    if project == "ruff":
        (tmp_path / "ruff.toml").write_text("line-length = 79\n[format]\n", encoding="utf-8")
    else:
        _project(tmp_path)
        (tmp_path / ".pre-commit-config.yaml").write_text(RUFF_FORMAT_HOOK, encoding="utf-8")
        (tmp_path / ".git").mkdir()
    text, notes = _formatted(tmp_path / "loops.py", LOOP_BEFORE, LOOP_FIXED)
    assert text == LOOP_FIXED
    # (the hook pins ruff 0.7.0, which the run names: see test_tool_pins)
    pinned = ["pins ruff 0.7.0"] if project == "black-table-ruff-hook" else []
    assert [note[note.index("pins ruff") :][:15] for note in notes] == pinned


def test_black_refusing_the_project_keeps_ruffs_formatting_with_a_note(tmp_path: Path) -> None:
    path = _project(tmp_path, 'line-length = 79\nrequired-version = "1"\n')
    text, notes = _formatted(path, LOOP_BEFORE, LOOP_FIXED)
    assert text == LOOP_FIXED
    assert len(notes) == 1
    assert notes[0].startswith("loops.py: black's formatting was not used (black failed: ")
    assert "required version" in notes[0]


def _fake_black(root: Path, version: str, body: str) -> Path:
    script = root / ".venv" / "bin" / "black"
    script.parent.mkdir(parents=True)
    script.write_text(
        f'#!/bin/sh\nif [ "$1" = --version ]; then echo "black, {version}"; exit 0; fi\n{body}\n',
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for black")
def test_the_projects_own_black_runs_and_its_failure_keeps_ruffs_formatting(
    tmp_path: Path,
) -> None:
    _fake_black(tmp_path, "24.2.0", 'echo "error: cannot format -: boom" >&2\nexit 123')
    path = _project(tmp_path)
    text, notes = _formatted(path, LOOP_BEFORE, LOOP_FIXED, root=tmp_path)
    assert text == LOOP_FIXED
    assert notes == [
        "loops.py: black's formatting was not used (black failed: error: cannot format -: boom); "
        "the changed lines are as ruff formats them"
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for black")
def test_a_black_older_than_23_11_is_passed_over(tmp_path: Path) -> None:
    script = _fake_black(tmp_path, "23.10.1", "exit 123")
    assert find_black(tmp_path) not in (None, (str(script),))


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for black")
@pytest.mark.parametrize(
    ("edit", "why"),
    [
        (
            "s/totals = {}/totals = dict()/",
            "it would also change lines outside the changed statements",
        ),
        ("s/unique()/first()/", "the formatted code would not mean the same"),
        ("s/dock,/dock,  # shelf/", "formatting would drop or change a comment"),
    ],
    ids=["outside", "meaning", "comment"],
)
def test_black_output_that_fails_a_check_is_not_used(tmp_path: Path, edit: str, why: str) -> None:
    _fake_black(tmp_path, "24.2.0", f"sed '{edit}'")
    path = _project(tmp_path)
    text, notes = _formatted(path, LOOP_BEFORE, LOOP_FIXED, root=tmp_path)
    assert text == LOOP_FIXED
    assert notes == [
        f"loops.py: black's formatting was not used ({why}); the changed lines are as ruff "
        "formats them"
    ]


IMPORTS_BEFORE = """\
import os
from app import config


def settings_path():
    return os.path.join(config.ROOT, "settings.toml")
"""


def test_blank_lines_black_changes_next_to_a_fixed_import_keep_their_bytes(
    tmp_path: Path,
) -> None:
    # black --line-ranges over the import alone drops one of the two blank lines before the def.
    path = _project(tmp_path)
    after = IMPORTS_BEFORE.replace("import config\n", "import config, db\n")
    text, notes = _formatted(path, IMPORTS_BEFORE, after)
    assert (text, notes) == (after, [])
    assert _passes_black(path, text)


def test_blank_lines_after_an_import_added_at_the_top_keep_their_bytes(tmp_path: Path) -> None:
    # The import and the blank lines after it are all new: black would drop one of those too.
    path = _project(tmp_path)
    before = IMPORTS_BEFORE.split("\n\n\n")[1]
    after = "from sqlalchemy import select\n\n\n" + before
    text, notes = _formatted(path, before, after)
    assert (text, notes) == (after, [])
    assert _passes_black(path, text)


def test_confined_undoes_blank_lines_outside_the_ranges_and_refuses_code() -> None:
    text = "a = 1\n\n\ndef f():\n    pass\n"
    assert confined(text, "a = 1\n\ndef f():\n    pass\n", [(1, 1)]) == text
    assert confined(text, "a = 2\n\n\ndef f():\n    pass\n", [(1, 1)]) == text.replace("1", "2")
    assert confined(text, "a = 1\n\n\ndef f():\n    return\n", [(1, 1)]) is None
    assert without_rows([(1, 5), (8, 9)], [3, 8]) == [(1, 2), (4, 5), (9, 9)]


# --- the workers: black imported once per worker, run as its command line would run -----------------


@pytest.mark.parametrize(
    ("text", "ranges"),
    [(LOOP_FIXED, [(3, 6)]), ("import os\nx = [1,\n 2]\n\n\ndef f():\n    pass\n", [(2, 3)])],
    ids=["loop", "import"],
)
def test_a_worker_formats_as_a_black_process_does(
    tmp_path: Path, text: str, ranges: list[tuple[int, int]]
) -> None:
    path = str(_project(tmp_path))
    command = find_black(None)
    assert command is not None and script_interpreter(command) is not None
    runner = BlackRunner(command)
    try:
        for _ in range(2):  # the second run reuses the worker
            assert runner.format(text, path, 79, ranges, "utf-8") == run_black(
                command, text, path, 79, ranges, "utf-8"
            )
        with pytest.raises(BlackError, match=r"^black failed: "):
            runner.format("x = (\n", path, 79, [(1, 1)], "utf-8")
    finally:
        runner.close()


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for python")
def test_a_worker_that_cannot_start_falls_back_to_one_black_process_per_file(
    tmp_path: Path,
) -> None:
    # This "python" runs scripts (black's) but no worker (`-c`): the runner must notice and go on.
    python = tmp_path / "bin" / "python"
    python.parent.mkdir()
    python.write_text(
        f'#!/bin/sh\nif [ "$1" = -c ]; then exit 1; fi\nexec {sys.executable} "$@"\n',
        encoding="utf-8",
    )
    black = tmp_path / "bin" / "black"
    black.write_text(
        f"#!{python}\nimport sys\nfrom black import patched_main\nsys.exit(patched_main())\n",
        encoding="utf-8",
    )
    for script in (python, black):
        script.chmod(script.stat().st_mode | stat.S_IXUSR)
    runner = BlackRunner((str(black),))
    try:
        path = str(_project(tmp_path / "project"))
        assert runner.format(LOOP_FIXED, path, 79, [(3, 6)], "utf-8") == LOOP_BLACK
        assert runner.format(LOOP_FIXED, path, 79, [(3, 6)], "utf-8") == LOOP_BLACK
    finally:
        runner.close()


def _running_major() -> int:
    command = find_black(None)
    assert command is not None
    version = tool_version(command)
    assert version is not None
    return version[0]


@pytest.mark.parametrize("where", ["pre-commit", "requirements"])
def test_a_black_of_another_year_than_the_pinned_one_is_named_in_a_note(
    tmp_path: Path, where: str
) -> None:
    (tmp_path / ".git").mkdir()
    path = _project(tmp_path)
    pinned = f"{_running_major() - 2}.3.0"
    if where == "pre-commit":
        hook = f"repos:\n- repo: https://github.com/psf/black-pre-commit-mirror\n  rev: {pinned}\n"
        (tmp_path / ".pre-commit-config.yaml").write_text(hook + "  hooks:\n  - id: black\n")
        source = ".pre-commit-config.yaml"
    else:
        (tmp_path / "requirements-dev.txt").write_text(f"black=={pinned}\n")
        source = "requirements-dev.txt"
    _, notes = _formatted(path, LOOP_BEFORE, LOOP_FIXED, root=tmp_path)
    (note,) = notes
    assert f"{source} pins black {pinned}, whose stable style may differ" in note


@pytest.mark.parametrize("requirement", ["black=={major}.1.0", "black>={older}.1"])
def test_a_pin_of_the_running_blacks_year_or_a_range_gets_no_note(
    tmp_path: Path, requirement: str
) -> None:
    (tmp_path / ".git").mkdir()
    path = _project(tmp_path)
    major = _running_major()
    line = requirement.format(major=major, older=major - 2)
    (tmp_path / "requirements-dev.txt").write_text(line + "\n")
    assert _formatted(path, LOOP_BEFORE, LOOP_FIXED, root=tmp_path)[1] == []
