"""Shared pytest configuration: the ``--update-snapshots`` flag of the snapshot tests."""

from __future__ import annotations

from pathlib import Path

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register ``--update-snapshots``."""
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        default=False,
        help="Rewrite snapshots/*/*/expected* from the actual output (the cases still fail; "
        "review with `git diff snapshots/`).",
    )


@pytest.fixture(autouse=True)
def _private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test gets its own analysis cache; the user's ~/.cache is never touched."""
    monkeypatch.setenv("BACKFIX_CACHE_DIR", str(tmp_path / "backfix-cache"))


@pytest.fixture
def libcst_checks_unrecorded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks of LibCST's internals answered anew, never from or into the record: for a test
    that changes those internals, whose answer must not outlive it."""
    from backfix import libcst_verdicts

    monkeypatch.setattr(libcst_verdicts, "_recorded", dict)
    monkeypatch.setattr(libcst_verdicts, "_record", lambda name, answer: None)
