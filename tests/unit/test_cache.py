"""The analysis cache: unchanged files are not parsed again, and a stale entry is never used."""

from __future__ import annotations

from pathlib import Path

from backfix.cache import cache_home
from backfix.discovery import Workspace
from backfix.registry import all_codemods
from backfix.runner import CodemodSpec, RunOptions, run

BARE = "try:\n    x = 1\nexcept:\n    raise\n"


def _run(root: Path, *, apply: bool = False, cache: bool = True):  # type: ignore[no-untyped-def]
    specs = [CodemodSpec(cls, cid) for cid, cls in all_codemods().items()]
    return run(
        Workspace(root=root),
        RunOptions(specs=specs, paths=[root], jobs=1, apply=apply, cache=cache),
    )


def _project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    root.mkdir()
    (root / "a.py").write_text(BARE)
    (root / "b.py").write_text("def f(db):\n    db.session.commit()\n")
    return root


def test_second_scan_reads_facts_from_the_cache(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = _run(root)
    assert first.files_parsed > 0 and first.files_cached == 0
    second = _run(root)
    # both files, each answered for every codemod (not one count per codemod)
    assert second.files_parsed == 0 and second.files_cached == 2 == second.files_discovered
    assert second.violations == first.violations
    assert sorted(p.name for p in root.iterdir()) == ["a.py", "b.py"]  # nothing in the tree


def test_an_edited_file_is_analysed_again(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _run(root)
    (root / "a.py").write_text("\n\n" + BARE)
    again = _run(root)
    assert again.files_parsed == 1 and again.files_cached == 1
    assert [v.line for v in again.violations if v.path == "a.py"] == [5]


def test_corrupt_entries_are_misses(tmp_path: Path) -> None:
    root = _project(tmp_path)
    first = _run(root)
    for entry in cache_home().rglob("*"):
        if entry.is_file():
            entry.write_bytes(b"not a pickle")
    again = _run(root)
    assert again.files_cached == 0 and again.violations == first.violations


def test_apply_still_rewrites_files_whose_facts_are_cached(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _run(root)
    result = _run(root, apply=True)
    assert [c.path for c in result.changes if c.path == "a.py"] == ["a.py"]


def test_without_cache_nothing_is_written(tmp_path: Path) -> None:
    root = _project(tmp_path)
    _run(root, cache=False)
    assert not cache_home().exists() or not any(cache_home().rglob("*"))
