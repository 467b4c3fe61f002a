"""No comment is lost when move-commits moves code: every comment of a snapshot case's input is
in its expected output, in the route module or in a service module.

The snapshot test compares whole files, which a reviewed but wrong expected file would pass; this
checks the one guarantee that moving code between files makes easy to break.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

import pytest

CASES = Path(__file__).resolve().parents[1] / "snapshots" / "move-commits"
FOLDER_CASES = sorted(
    case for case in CASES.iterdir() if (case / "input").is_dir() and (case / "expected").is_dir()
)


def _comments(text: str) -> set[str]:
    found: set[str] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type == tokenize.COMMENT:
            found.add(token.string.strip())
    return found


def _output(case: Path, source: Path) -> str:
    """The file of ``input/`` after the fix: its expected file, or itself when unchanged."""
    expected = case / "expected" / source.relative_to(case / "input")
    return (expected if expected.is_file() else source).read_text(encoding="utf-8")


@pytest.mark.parametrize("case", FOLDER_CASES, ids=[case.name for case in FOLDER_CASES])
def test_every_comment_of_the_input_is_in_the_output(case: Path) -> None:
    sources = sorted((case / "input").rglob("*.py"))
    before = set().union(*(_comments(s.read_text(encoding="utf-8")) for s in sources))
    after = set().union(*(_comments(_output(case, s)) for s in sources))
    for created in (case / "expected").rglob("*.py"):
        after |= _comments(created.read_text(encoding="utf-8"))
    assert not before - after, f"comments lost: {sorted(before - after)}"
