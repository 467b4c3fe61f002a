"""Which files a project's coverage measurement leaves out: coverage.py's omit, diff-cover's exclude."""

from __future__ import annotations

from pathlib import Path

import pytest

from backfix.coverage_settings import unmeasured, unmeasured_patterns


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {".coveragerc": "[run]\nomit =\n    app/dev/*\n    */legacy.py\n"},
            ("app/dev/*", "*/legacy.py"),
        ),
        (
            {".coveragerc": "[report]\nomit = app/dev/*, app/admin.py\n"},
            ("app/dev/*", "app/admin.py"),
        ),
        ({"setup.cfg": "[coverage:run]\nomit = app/dev/*\n"}, ("app/dev/*",)),
        ({"pyproject.toml": '[tool.coverage.run]\nomit = ["app/dev/*"]\n'}, ("app/dev/*",)),
        (
            {
                "tox.ini": "[testenv:diff-cover]\ncommands =\n    diff-cover coverage.xml \\\n"
                "        --exclude debug.py seed.py --fail-under=100\n"
            },
            ("debug.py", "seed.py"),
        ),
        (
            {
                ".github/workflows/ci.yml": "    - run: diff-cover coverage.xml --exclude=app/dev/*\n"
            },
            ("app/dev/*",),
        ),
        ({"tox.ini": "[testenv]\ncommands = pytest --cov\n"}, ()),
        ({}, ()),
    ],
)
def test_the_patterns_come_from_coverage_and_diff_cover_settings(
    tmp_path: Path, files: dict[str, str], expected: tuple[str, ...]
) -> None:
    assert unmeasured_patterns(_write(tmp_path, files)) == expected


def test_a_path_matches_as_a_path_by_its_file_name_or_below_any_folder() -> None:
    assert unmeasured("app/dev/seed.py", ("app/dev/*",))
    assert unmeasured("app/views/debug.py", ("debug.py",))
    assert unmeasured("src/app/legacy.py", ("app/legacy.py",))
    assert not unmeasured("app/views/users.py", ("debug.py", "app/dev/*"))
