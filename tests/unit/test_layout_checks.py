"""Continuation lines a fix breaks in a file that follows no formatter (pycodestyle's checks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from backfix.formatting import format_changes
from backfix.layout_checks import (
    LintOptions,
    closing_brackets_dangle,
    layout_checks,
    lint_options,
    operators_to_line_ends,
)
from backfix.results import FileChange


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def formatted(path: Path, before: str, after: str) -> tuple[str, list[str]]:
    change = FileChange(path.name, str(path), before.encode(), after.encode())
    changes, notes = format_changes([change], None)
    return changes[0].after.decode(), notes


# --- the project's options ------------------------------------------------------------------------------


def test_without_configuration_pycodestyles_default_checks_apply(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    checks = layout_checks(tmp_path)
    assert "E128" in checks.codes and "E502" in checks.codes
    assert not {"E121", "E123", "E126", "W503", "W504"} & set(checks.codes)
    assert not checks.breaks_after_operators


def test_an_ignore_list_replaces_the_defaults_as_in_pycodestyle(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / ".pycodestyle", "[pycodestyle]\nignore = E402,W504\nmax-line-length = 79\n")
    checks = layout_checks(tmp_path / "web" / "app")
    assert {"E121", "E126", "W503"} <= set(checks.codes) and "W504" not in checks.codes
    assert checks.breaks_after_operators


def test_select_and_extend_ignore_are_read_from_the_nearest_flake8_section(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "setup.cfg", "[flake8]\nselect = E,W\nignore = E128\n")
    write(tmp_path / "app" / "tox.ini", "[flake8]\nextend-ignore = E502, E127\n")
    assert lint_options(tmp_path / "app") == LintOptions(extend_ignore=("E502", "E127"))
    assert "E502" not in layout_checks(tmp_path / "app").codes
    assert lint_options(tmp_path) == LintOptions(select=("E", "W"), ignore=("E128",))
    assert "E128" in layout_checks(tmp_path).codes  # a selected prefix wins over ignore


def test_the_search_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path / "setup.cfg", "[flake8]\nextend-ignore = E502\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    assert lint_options(tmp_path / "repo" / "app") == LintOptions()


def test_warnings_are_pycodestyles_own() -> None:
    checks = layout_checks(Path("/"))
    text = "x = dict(a=1,\n    b=2)\ny = (1 + \\\n     2)\n"
    assert checks.warnings(text) == [(2, "E128"), (3, "E502")]


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("# noqa: E711", [(2, "E128"), (3, "E124")]),  # silences its own code only
        ("# type: ignore  # noqa: E711", [(2, "E128"), (3, "E124")]),
        ("# noqa: E12", [(3, "E124")]),  # a prefix silences its codes, on its line only
        ("# noqa", [(3, "E124")]),  # a bare noqa silences all of its line
    ],
)
def test_a_noqa_comment_silences_its_line_as_flake8_reads_it(
    comment: str, expected: list[tuple[int, str]]
) -> None:
    """pycodestyle alone drops every warning of a statement with a noqa comment on any line;
    flake8 drops those its line's comment names, and a rewritten chain with a ``noqa: E711`` on
    one of its lines may leave the others broken."""
    checks = layout_checks(Path("/"))
    text = f"x = f(g(a)\n    .where(b == None)  {comment}\n    )\n"
    assert checks.warnings(text) == expected


# --- operators ------------------------------------------------------------------------------------------


def test_a_leading_operator_moves_to_the_end_of_the_line_before() -> None:
    text = "if (\n    first\n    and second\n    or third\n):\n    pass\n"
    assert (
        operators_to_line_ends(text)
        == "if (\n    first and\n    second or\n    third\n):\n    pass\n"
    )


def test_an_operator_stays_where_a_comment_ends_the_line_before_or_it_is_unary() -> None:
    text = "x = (first  # why\n     + second)\ny = f(a,\n      -b)\n"
    assert operators_to_line_ends(text) == text


# --- formatting a fix -----------------------------------------------------------------------------------

VISUAL_BEFORE = """\
def find(name):
    user = User.query.filter_by(name=name,
                                active=True).first()
    return user
"""


def test_a_statement_whose_visual_indent_the_fix_moved_is_formatted(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    after = VISUAL_BEFORE.replace(
        "User.query.filter_by(name=name,\n",
        "db.session.scalars(db.select(User).filter_by(name=name,\n",
    ).replace("active=True).first()", "active=True).limit(1)).first()")
    text, notes = formatted(tmp_path / "a.py", VISUAL_BEFORE, after)
    assert text == (
        "def find(name):\n"
        "    user = db.session.scalars(\n"
        "        db.select(User).filter_by(name=name, active=True).limit(1)\n"
        "    ).first()\n"
        "    return user\n"
    )
    assert "continuation lines" in notes[0] and "a.py" in notes[0]


BACKSLASH_BEFORE = """\
def reset(user_id):
    db.session.query(Setting) \\
        .filter(Setting.user_id == user_id) \\
        .delete()
"""
BACKSLASH_AFTER = """\
def reset(user_id):
    db.session.execute(db.delete(Setting) \\
        .where(Setting.user_id == user_id))
"""


def test_backslashes_left_inside_brackets_are_formatted_away(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    text, _ = formatted(tmp_path / "a.py", BACKSLASH_BEFORE, BACKSLASH_AFTER)
    assert text == (
        "def reset(user_id):\n"
        "    db.session.execute(db.delete(Setting).where(Setting.user_id == user_id))\n"
    )


TWO_SPACES_BEFORE = """\
class Key:
  def update(self, names):
    if names:
      found = Domain.query \\
                    .filter(Domain.name.in_(names)) \\
                    .all()
      return found
"""
TWO_SPACES_AFTER = """\
class Key:
  def update(self, names):
    if names:
      found = db.session.scalars(db.select(Domain) \\
                    .where(Domain.name.in_(names))) \\
                    .all()
      return found
"""


def test_a_file_indented_by_two_spaces_gets_its_statement_formatted_in_two(tmp_path: Path) -> None:
    """ruff's default width would also reindent the blocks around the statement: refused before."""
    (tmp_path / ".git").mkdir()
    text, _ = formatted(tmp_path / "a.py", TWO_SPACES_BEFORE, TWO_SPACES_AFTER)
    assert text == (
        "class Key:\n"
        "  def update(self, names):\n"
        "    if names:\n"
        "      found = db.session.scalars(db.select(Domain).where(Domain.name.in_(names))).all()\n"
        "      return found\n"
    )


def test_continuation_lines_formatting_cannot_lay_out_are_named_in_a_note(tmp_path: Path) -> None:
    """Blocks indented by four spaces and then two: formatting the statement alone would change
    the lines around it, so it keeps the fix's layout, and a note names the lines the linter now
    reports instead of leaving them unsaid."""
    (tmp_path / ".git").mkdir()
    before = (
        "def pick(names):\n"
        "    try:\n"
        "      found = Domain.query \\\n"
        "                    .filter(Domain.name.in_(names)) \\\n"
        "                    .all()\n"
        "      return found\n"
        "    except Exception:\n"
        "      return []\n"
    )
    after = before.replace(
        "Domain.query \\\n                    .filter(Domain.name.in_(names)) \\",
        "db.session.scalars(db.select(Domain) \\\n"
        "                    .where(Domain.name.in_(names))) \\",
    )
    text, notes = formatted(tmp_path / "a.py", before, after)
    assert text == after
    assert (
        "a.py: lines 3, 4: the fix leaves continuation lines the project's linter reports "
        "(E128, E502)"
    ) in notes[-1]


def test_a_long_statement_of_a_file_indented_by_two_spaces_wraps_by_two(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    before = "def find(name):\n  if name:\n    return User.query.filter_by(name=name, active=True).first()\n"
    after = before.replace(
        "User.query.filter_by(name=name, active=True).first()",
        "db.session.scalars(db.select(User).filter_by(name=name, active=True).limit(1)).first()",
    )
    text, _ = formatted(tmp_path / "a.py", before, after)
    assert text == (
        "def find(name):\n"
        "  if name:\n"
        "    return db.session.scalars(\n"
        "      db.select(User).filter_by(name=name, active=True).limit(1)\n"
        "    ).first()\n"
    )


def test_a_layout_the_checks_accept_is_kept(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    before = "def find(name):\n    user = User.query.filter_by(\n        name=name).first()\n"
    after = before.replace("User.query.filter_by(", "db.session.scalars(db.select(User).filter_by(")
    after = after.replace("name=name).first()", "name=name).limit(1)).first()")
    text, notes = formatted(tmp_path / "a.py", before, after)
    assert (text, len(notes)) == (after, 1)
    assert "ruff format --check" in notes[0] and "continuation" not in notes[0]


def test_a_statement_the_fix_did_not_change_keeps_its_warnings(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    broken = "other = dict(a=1,\n    b=2)\n"
    before = broken + VISUAL_BEFORE.replace("User.query", "Query")
    after = broken + VISUAL_BEFORE.replace("User.query", "Query").replace("return user", "return 1")
    text, _ = formatted(tmp_path / "a.py", before, after)
    assert text == after


def test_operators_end_their_lines_where_the_project_checks_w503(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(tmp_path / "setup.cfg", "[pycodestyle]\nignore = W504\nmax-line-length = 79\n")
    before = (
        "def reset(user_id):\n"
        "    db.session.query(Setting) \\\n"
        "        .filter((Setting.name == 'Browser/Layout') |\n"
        "                (Setting.name == 'SQLEditor/Layout')) \\\n"
        "        .delete()\n"
    )
    after = (
        "def reset(user_id):\n"
        "    db.session.execute(db.delete(Setting) \\\n"
        "        .where((Setting.name == 'Browser/Layout') |\n"
        "                (Setting.name == 'SQLEditor/Layout')))\n"
    )
    text, _ = formatted(tmp_path / "a.py", before, after)
    assert text == (
        "def reset(user_id):\n"
        "    db.session.execute(\n"
        "        db.delete(Setting).where(\n"
        "            (Setting.name == 'Browser/Layout') |\n"
        "            (Setting.name == 'SQLEditor/Layout')\n"
        "        )\n"
        "    )\n"
    )
    assert layout_checks(tmp_path).warnings(text) == []


@pytest.mark.parametrize(
    ("text", "dangle"),
    [
        ("x = f(\n    a,\n)\n", True),  # black's and ruff's
        ("x = f(a,\n      b)\ny = g(\n    c)\n", False),
        ("x = f(a, b)\n", True),  # nothing to go by: the formatters' way
        ("x = f(a,\n      b)\ny = g(\n    c\n)\nz = [\n    1,\n]\n", True),  # a tie
        ('s = """(\n"""\nx = f(a,\n      b)\n', False),  # a bracket in a string is no bracket
        ("x = f(\n", True),  # does not tokenize
    ],
)
def test_how_a_file_closes_brackets_that_span_lines(text: str, dangle: bool) -> None:
    assert closing_brackets_dangle(text) is dangle
