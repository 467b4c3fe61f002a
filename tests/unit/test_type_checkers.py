"""Which projects run a type checker, and which checkers also read functions without annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from backfix.type_checkers import checks_unannotated, type_checked

CASES = {
    "pyrightconfig.json": ({"pyrightconfig.json": "{}\n"}, True, True),
    "[tool.basedpyright]": ({"pyproject.toml": "[tool.basedpyright]\n"}, True, True),
    "[tool.mypy]": ({"pyproject.toml": "[tool.mypy]\nwarn_unused_ignores = true\n"}, True, False),
    "[tool.mypy] strict": ({"pyproject.toml": "[tool.mypy]\nstrict = true\n"}, True, True),
    "mypy.ini check_untyped_defs": (
        {"mypy.ini": "[mypy]\ncheck_untyped_defs = True\n"},
        True,
        True,
    ),
    "setup.cfg [mypy]": ({"setup.cfg": "[mypy]\nignore_missing_imports = True\n"}, True, False),
    "nothing": ({"setup.cfg": "[flake8]\nmax-line-length = 100\n"}, False, False),
    "ty.toml": ({"ty.toml": "[rules]\n"}, True, True),
    "[tool.ty]": ({"pyproject.toml": "[tool.ty.src]\ninclude = ['app']\n"}, True, True),
    "pre-commit ty check": (
        {".pre-commit-config.yaml": "      - id: ty\n        entry: uv run ty check\n"},
        True,
        False,
    ),
    "pre-commit ty arguments": (
        {".pre-commit-config.yaml": '        args: ["ty", "check"]\n'},
        True,
        False,
    ),
    "Makefile pretty check": ({"Makefile": "lint:\n\tpretty check && tidy\n"}, False, False),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_checkers_and_what_they_read(tmp_path: Path, name: str) -> None:
    files, checked, unannotated = CASES[name]
    for rel, text in files.items():
        (tmp_path / rel).write_text(text, encoding="utf-8")
    assert type_checked([tmp_path]) is checked
    assert checks_unannotated([tmp_path]) is unannotated
