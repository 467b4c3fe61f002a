"""Shared pytest configuration: the ``--update-snapshots`` flag of the snapshot tests."""

from __future__ import annotations

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
