"""Every snapshot case under ``snapshots/<codemod-id>/<case>/``, run with the real engine.

See ``backfix.testing.snapshots`` for the case layout. ``pytest --update-snapshots`` rewrites the
expected files from the actual output and still fails, so every change is reviewed with
``git diff snapshots/``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backfix.registry import all_codemods
from backfix.testing import SnapshotCase, check_case, discover_cases

SNAPSHOTS = Path(__file__).resolve().parents[1] / "snapshots"
CASES = discover_cases(SNAPSHOTS)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_snapshot(case: SnapshotCase, tmp_path: Path, pytestconfig: pytest.Config) -> None:
    """The codemod turns the input into exactly the expected output, and is idempotent."""
    report = check_case(case, tmp_path, update=bool(pytestconfig.getoption("--update-snapshots")))
    if not report.ok:
        pytest.fail(report.summary(), pytrace=False)


def test_every_snapshot_folder_names_a_codemod() -> None:
    """``snapshots/<id>/`` exists only for registered codemods (catches typos and renames)."""
    folders = {path.name for path in SNAPSHOTS.iterdir() if path.is_dir()}
    unknown = sorted(folders - set(all_codemods()) - {"__pycache__"})
    assert not unknown, f"snapshot folders that name no codemod: {unknown}"
