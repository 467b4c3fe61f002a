"""The checks of LibCST's internals are answered once per LibCST install: recorded in the cache
folder by the first process that answers them, read back by the next, and asked again wherever the
record cannot be read or written."""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pytest

from backfix import cst_parse, cst_positions, cst_unit_positions, cst_walk, libcst_verdicts
from backfix.libcst_verdicts import remembered


def _counted(answer: bool) -> tuple[list[int], functools._lru_cache_wrapper[bool]]:
    calls: list[int] = []

    def probe_check() -> bool:
        calls.append(1)
        return answer

    return calls, remembered(probe_check)


def _records(cache: Path) -> list[dict[str, bool]]:
    return [json.loads(p.read_text()) for p in sorted((cache / "libcst-checks").glob("*.json"))]


def test_an_answer_is_recorded_and_read_back_by_the_next_process(tmp_path: Path) -> None:
    calls, check = _counted(True)
    assert check() is True
    assert check() is True
    assert calls == [1]  # once per process
    check.cache_clear()  # as a new process starts
    assert check() is True
    assert calls == [1]  # read from the record
    name = f"{__name__}._counted.<locals>.probe_check"
    assert _records(tmp_path / "backfix-cache") == [{name: True}]


def test_a_no_is_recorded_too(tmp_path: Path) -> None:
    calls, check = _counted(False)
    assert check() is False
    check.cache_clear()
    assert check() is False
    assert calls == [1]


def test_a_record_that_cannot_be_read_asks_again(tmp_path: Path) -> None:
    calls, check = _counted(True)
    check()
    (record,) = (tmp_path / "backfix-cache" / "libcst-checks").glob("*.json")
    record.write_text("{not json")
    check.cache_clear()
    assert check() is True
    assert calls == [1, 1]
    assert json.loads(record.read_text()) != {}  # and records it again


def test_a_cache_folder_that_cannot_be_written_still_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    monkeypatch.setenv("BACKFIX_CACHE_DIR", str(blocked))
    calls, check = _counted(True)
    assert check() is True
    check.cache_clear()
    assert check() is True
    assert calls == [1, 1]


def test_another_module_file_is_another_install(tmp_path: Path) -> None:
    (tmp_path / "nodes.py").write_text("x = 1\n")
    (tmp_path / "notes.txt").write_text("not a module\n")
    before = libcst_verdicts._module_stats(tmp_path)
    assert len(before) == 1
    os.utime(tmp_path / "nodes.py", ns=(1, 1))
    assert libcst_verdicts._module_stats(tmp_path) != before


def test_the_helpers_checks_are_the_recorded_ones(tmp_path: Path) -> None:
    checks = [cst_parse.skips_validation, cst_positions.exact, cst_walk.trusted]
    checks.append(cst_unit_positions.trusted)
    for check in checks:
        check.cache_clear()
        assert check()  # this LibCST is one the cheap helpers trust
    (record,) = _records(tmp_path / "backfix-cache")
    assert record == {
        "backfix.cst_parse.skips_validation": True,
        "backfix.cst_positions.exact": True,
        "backfix.cst_unit_positions.trusted": True,
        "backfix.cst_walk.trusted": True,
    }
