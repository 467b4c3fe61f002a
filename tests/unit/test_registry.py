"""Codemod discovery: built-ins from codemods/ and plug-ins from the entry-point group."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from backfix.codemod import ConfigError
from backfix.registry import all_codemods, clear_cache, get_codemod, module_to_id

PLUGIN = '''
import re
from backfix import Codemod, FileFacts


class ShoutyNames(Codemod):
    """Flags NAMES_IN_CAPS (a test plug-in)."""

    SUMMARY = "plug-in codemod used by the tests"
    PREFILTER = re.compile(rb"[A-Z]{3}")

    def analyze(self, source):
        return FileFacts(source.path)
'''


@pytest.fixture
def plugin_on_path(tmp_path: Path) -> Iterator[None]:
    """A distribution on sys.path whose entry point registers one codemod."""
    (tmp_path / "shouty_plugin.py").write_text(PLUGIN)
    dist = tmp_path / "shouty_plugin-0.1.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: shouty-plugin\nVersion: 0.1\n")
    (dist / "entry_points.txt").write_text(
        "[backfix.codemods]\nshouty-names = shouty_plugin:ShoutyNames\n"
    )
    sys.path.insert(0, str(tmp_path))
    clear_cache()
    try:
        yield
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("shouty_plugin", None)
        clear_cache()


def test_builtins_are_found_without_a_list() -> None:
    codemods = all_codemods()
    assert "bare-except" in codemods
    assert all(cid == cid.lower() and "_" not in cid for cid in codemods)
    assert get_codemod("bare_except") is codemods["bare-except"]


def test_module_to_id() -> None:
    assert module_to_id("backfix.builtin_codemods.move_commits") == "move-commits"


def test_unknown_id_lists_the_available_ones() -> None:
    with pytest.raises(ConfigError, match=r"available: .*bare-except"):
        get_codemod("nope")


@pytest.mark.usefixtures("plugin_on_path")
def test_entry_point_plugins_are_loaded() -> None:
    cls = get_codemod("shouty-names")
    assert cls.ID == "shouty-names"
    assert cls.SUMMARY == "plug-in codemod used by the tests"
