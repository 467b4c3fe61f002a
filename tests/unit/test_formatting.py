"""backfix.format_settings and backfix.formatting: the project's formatter settings, and ruff over
just the lines a fix changed."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest

from backfix import formatting
from backfix.black_pass import find_black, tool_version
from backfix.format_settings import line_length_for, settings_for
from backfix.formatting import (
    changed_spans,
    find_ruff,
    format_changes,
    format_text,
    outside_changes,
    same_meaning,
)
from backfix.pragmas import mask_pragmas
from backfix.results import FileChange

LONG_CALL = "    return session.scalars(select(User).where(User.name == name, User.active, User.shown)).all()\n"
WRAPPED_CALL = (
    "    return session.scalars(\n"
    "        select(User).where(User.name == name, User.active, User.shown)\n"
    "    ).all()\n"
)


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def change(path: Path, before: str | None, after: str, encoding: str = "utf-8") -> FileChange:
    data = None if before is None else before.encode(encoding)
    return FileChange(path.name, str(path), data, after.encode(encoding))


def formatted(
    path: Path, before: str | None, after: str, mode: bool | None = None
) -> tuple[str, list[str]]:
    changes, notes = format_changes([change(path, before, after)], mode)
    return changes[0].after.decode("utf-8"), notes


# --- settings --------------------------------------------------------------------------------------------


def test_without_configuration_the_line_length_is_88_and_no_formatter_is_declared(
    tmp_path: Path,
) -> None:
    settings = settings_for(tmp_path / "app.py")
    assert (settings.line_length, settings.formatter, settings.ruff_args) == (88, "", ())
    assert line_length_for(None) == 88


def test_ruff_lint_table_gives_the_line_length_and_a_format_table_declares_the_formatter(
    tmp_path: Path,
) -> None:
    write(tmp_path / "lint" / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    write(
        tmp_path / "fmt" / "pyproject.toml",
        "[tool.ruff]\nline-length = 79\n\n[tool.ruff.format]\nquote-style = 'single'\n",
    )
    assert (settings_for(tmp_path / "lint" / "a.py").line_length, "") == (100, "")
    assert settings_for(tmp_path / "lint" / "a.py").formatter == ""
    fmt = settings_for(tmp_path / "fmt" / "pkg" / "a.py")
    assert (fmt.line_length, fmt.formatter) == (79, "ruff")


def test_ruff_toml_follows_extend_and_wins_over_pyproject_in_its_folder(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    write(tmp_path / "apps" / "ruff.toml", 'extend = "../pyproject.toml"\n[format]\n')
    write(tmp_path / "apps" / "pyproject.toml", "[tool.ruff]\nline-length = 60\n")
    write(tmp_path / "hidden" / ".ruff.toml", "line-length = 70\n")
    write(tmp_path / "hidden" / "ruff.toml", "line-length = 90\n")
    apps = settings_for(tmp_path / "apps" / "x.py")
    assert (apps.line_length, apps.formatter) == (100, "ruff")
    assert settings_for(tmp_path / "hidden" / "x.py").line_length == 70


def test_the_nearest_configuration_wins(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    write(tmp_path / "sub" / "pyproject.toml", "[tool.ruff]\nline-length = 120\n")
    write(tmp_path / "other" / "pyproject.toml", "[project]\nname = 'x'\n")
    assert line_length_for(tmp_path / "sub" / "a" / "b.py") == 120
    assert line_length_for(tmp_path / "other" / "b.py") == 100


def test_black_configuration_is_translated_for_ruff(tmp_path: Path) -> None:
    write(
        tmp_path / "pyproject.toml",
        "[tool.ruff]\nline-length = 120\n\n"
        "[tool.black]\nline-length = 79\nskip-string-normalization = true\n",
    )
    settings = settings_for(tmp_path / "a.py")
    assert (settings.line_length, settings.formatter) == (79, "black")
    assert settings.ruff_args == (
        "--line-length",
        "79",
        "--config",
        "format.quote-style = 'preserve'",
    )


def test_a_pre_commit_hook_declares_the_formatter(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path / ".pre-commit-config.yaml",
        "repos:\n  - repo: https://github.com/astral-sh/ruff-pre-commit\n"
        "    hooks:\n      - id: ruff\n      - id: ruff-format\n",
    )
    assert settings_for(tmp_path / "app" / "a.py").formatter == "ruff"


@pytest.mark.parametrize(("repository", "expected"), [(True, "ruff"), (False, "black")])
def test_only_the_repository_roots_pre_commit_configuration_runs(
    tmp_path: Path, repository: bool, expected: str
) -> None:
    """pre-commit reads the configuration at the repository's root: a subproject's own, left
    from before it joined a monorepo, declares no formatter. Outside a repository, the nearest
    configuration is all there is."""
    if repository:
        (tmp_path / ".git").mkdir()
    write(
        tmp_path / ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n      - id: ruff-format\n        entry: ruff\n",
    )
    write(
        tmp_path / "backend" / ".pre-commit-config.yaml",
        "repos:\n  - repo: local\n    hooks:\n      - id: black\n        entry: black\n",
    )
    write(tmp_path / "backend" / "pyproject.toml", "[tool.ruff]\nline-length = 130\n")
    settings = settings_for(tmp_path / "backend" / "src" / "a.py")
    assert (settings.formatter, settings.line_length) == (expected, 130)


def _project(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True)
    for name, text in files.items():
        write(root / name, text)
    return root


NEAR_79 = "".join(
    f"value_{n:02} = call_something(first_argument, second_argument, third_one)  # x\n"
    for n in range(12)
)


@pytest.mark.parametrize(
    ("name", "section", "option"),
    [
        (".flake8", "flake8", "max-line-length"),
        ("setup.cfg", "flake8", "max_line_length"),
        ("tox.ini", "pycodestyle", "max-line-length"),
    ],
)
def test_without_a_formatter_the_linters_line_length_applies(
    tmp_path: Path, name: str, section: str, option: str
) -> None:
    root = _project(tmp_path, {name: f"[{section}]\n{option} = 100\n", "app/a.py": NEAR_79})
    settings = settings_for(root / "app" / "a.py")
    assert (settings.line_length, settings.formatter) == (100, "")
    assert settings.ruff_args == ("--line-length", "100")


def test_a_formatters_configuration_wins_over_the_linters(tmp_path: Path) -> None:
    root = _project(
        tmp_path,
        {"setup.cfg": "[flake8]\nmax-line-length = 120\n", "pyproject.toml": "[tool.black]\n"},
    )
    assert line_length_for(root / "a.py") == 88


def test_code_kept_to_79_columns_without_configuration_gets_79(tmp_path: Path) -> None:
    kept = _project(tmp_path / "kept", {"app/a.py": NEAR_79, "migrations/v1.py": "x" * 100})
    assert len(NEAR_79.splitlines()[0]) in range(72, 80)
    assert settings_for(kept / "app" / "a.py").ruff_args == ("--line-length", "79")
    longer = _project(tmp_path / "longer", {"app/a.py": NEAR_79, "app/b.py": "y" * 81})
    assert line_length_for(longer / "app" / "a.py") == 88
    sparse = _project(tmp_path / "sparse", {"app/a.py": NEAR_79.splitlines()[0] + "\n"})
    assert line_length_for(sparse / "app" / "a.py") == 88


def test_a_rare_line_no_tool_can_split_does_not_turn_79_into_88(tmp_path: Path) -> None:
    url = '"https://example.com/' + "a" * 80 + '"  # noqa: E501\n'
    many = NEAR_79 * 4  # 48 lines close to 79
    kept = _project(tmp_path / "kept", {"app/a.py": many, "app/b.py": url})
    assert line_length_for(kept / "app" / "a.py") == 79
    wider = "".join(f"value_{n:02} = {'x' * 75}\n" for n in range(3))  # 85 columns each
    followed_88 = _project(tmp_path / "at88", {"app/a.py": many, "app/b.py": wider})
    assert line_length_for(followed_88 / "app" / "a.py") == 88


def test_a_vendored_file_of_data_lines_does_not_decide_the_line_length(tmp_path: Path) -> None:
    """A vendored ``get-pip.py`` holds thousands of base85 lines cut at 79 columns: they are no
    code the project laid out, and its own lines past 79 columns decide."""
    data = 'DATA = b"""\n' + ("A" * 79 + "\n") * 3000 + '"""\n'
    wider = "".join(f"value_{n:02} = {'x' * 75}\n" for n in range(40))  # 85 columns each
    root = _project(tmp_path, {"scripts/get-pip.py": data, "app/a.py": wider + NEAR_79})
    assert line_length_for(root / "app" / "a.py") == 88


def test_without_git_the_project_root_is_where_it_is_configured(tmp_path: Path) -> None:
    files = {"pyproject.toml": "[project]\nname = 'x'\n", "app/a.py": NEAR_79, "app/api/b.py": ""}
    for name, text in files.items():
        write(tmp_path / name, text)
    assert line_length_for(tmp_path / "app" / "api" / "b.py") == 79


# --- changed lines and the guard ---------------------------------------------------------------------


def test_changed_spans_are_the_lines_of_the_new_text_not_in_the_old() -> None:
    before = "a = 1\nb = 2\nc = 3\nd = 4\n"
    after = "a = 1\nB = 2\nB2 = 2\nc = 3\nD = 4\n"
    assert changed_spans(before, after) == [(2, 3), (5, 5)]
    assert changed_spans(before, "a = 1\nc = 3\nd = 4\n") == []  # a deletion: nothing to format


def test_outside_changes_allows_the_changed_statement_and_blank_lines_next_to_it() -> None:
    text = "x = 1\ny = f(1,\n  2)\nz = {  'a':1 }\n"
    assert outside_changes(text, "x = 1\ny = f(1, 2)\nz = {  'a':1 }\n", [(2, 2)]) is None
    assert outside_changes(text, "x = 1\n\n\ny = f(1, 2)\nz = {  'a':1 }\n", [(2, 2)]) is None
    assert outside_changes(text, "x = 1\ny = f(1, 2)\nz = {'a': 1}\n", [(2, 2)]) == 4


SANDWICH = """\
def f(db, upload):
    with db.begin():
        pv = (
            db.scalars(select(ProjectVersion).filter_by(project_id=upload.project_id)
            .order_by(desc(ProjectVersion.created)).limit(1))
            .first()
        )
        # remove project version delta entries
        db.execute(delete(ProjectVersionDelta).filter_by(
            project_id=upload.project_id, version=pv.name
        ))
        db.delete(pv)
"""

SANDWICH_FORMATTED = """\
def f(db, upload):
    with db.begin():
        pv = db.scalars(
            select(ProjectVersion)
            .filter_by(project_id=upload.project_id)
            .order_by(desc(ProjectVersion.created))
            .limit(1)
        ).first()
        # remove project version delta entries
        db.execute(
            delete(ProjectVersionDelta).filter_by(
                project_id=upload.project_id, version=pv.name
            )
        )
        db.delete(pv)
"""


def test_a_comment_between_two_formatted_statements_is_outside_no_change() -> None:
    """Seen on MerginMaps: the diff pairs the first statement's ``)`` with one of the second's, so
    the comment between them fell in a replaced block; every line outside the fix is kept."""
    spans = [(3, 7), (9, 11)]
    assert outside_changes(SANDWICH, SANDWICH_FORMATTED, spans) is None
    changed = SANDWICH_FORMATTED.replace("# remove project", "# Remove project")
    assert outside_changes(SANDWICH, changed, spans) == 8
    dropped = SANDWICH_FORMATTED.replace("        db.delete(pv)\n", "")
    assert outside_changes(SANDWICH, dropped, spans) is not None


def test_same_meaning_ignores_docstring_indentation_only() -> None:
    assert same_meaning(
        'def f():\n    """A.\n\n      B."""\n', 'def f():\n    """A.\n\n    B."""\n'
    )
    assert not same_meaning("x = (1, 2)\n", "x = [1, 2]\n")


def test_same_meaning_ignores_the_u_prefix_the_formatter_drops() -> None:
    """ruff format writes ``u'count'`` as ``'count'``: the same string in Python 3 (a long
    statement holding one was left unwrapped as "would not mean the same", seen on ckan)."""
    assert same_meaning("x = u'a' % b\n", "x = 'a' % b\n")
    assert not same_meaning("x = u'a'\n", "x = b'a'\n")


# --- formatting changes ------------------------------------------------------------------------------------

BEFORE = "from app import select\n\n\ndef run(session, name):\n    return 1\n"
AFTER = "from app import select\n\n\ndef run(session, name):\n" + LONG_CALL


def test_a_file_clean_before_gets_its_changed_statement_formatted(tmp_path: Path) -> None:
    text, notes = formatted(tmp_path / "a.py", BEFORE, AFTER)
    assert text == "from app import select\n\n\ndef run(session, name):\n" + WRAPPED_CALL
    assert notes == []


def test_the_project_line_length_applies(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    text, notes = formatted(tmp_path / "a.py", BEFORE, AFTER)
    assert (text, notes) == (AFTER, [])


def test_a_file_that_followed_no_formatter_keeps_its_style(tmp_path: Path) -> None:
    before = BEFORE + "x = {  'a':1 }\n"
    after = before.replace("return 1", "return session.get(User,  name)")
    text, notes = formatted(tmp_path / "a.py", before, after)
    assert text == after
    assert len(notes) == 1 and "ruff format --check" in notes[0] and "a.py" in notes[0]


# A yapf-style module, checked by flake8 at 79 columns: not clean under ruff (quotes, spacing).
YAPF_BEFORE = """\
KIND = 'plain'
LIMITS = {'low':1,   'high':   2}


def find(address,
         kind=KIND):
    return Account.query.filter_by(email=address).first()
"""
YAPF_WRAPPED = (
    "    return db.session.scalars(\n"
    "        db.select(Account).filter_by(email=address, kind='plain')\n"
    "    ).first()\n"
)
YAPF_LONG = "    return db.session.scalars(db.select(Account).filter_by(email=address, kind='plain')).first()\n"


def fixed_at_79(tmp_path: Path, last_line: str) -> tuple[str, str, list[str]]:
    """``YAPF_BEFORE`` with its last line replaced by ``last_line``, in a project checked by flake8
    at 79 columns: that text, the text formatted, and the notes."""
    write(tmp_path / "setup.cfg", "[flake8]\nmax-line-length = 79\n")
    after = YAPF_BEFORE.replace(YAPF_BEFORE.splitlines(keepends=True)[-1], last_line)
    return (after, *formatted(tmp_path / "a.py", YAPF_BEFORE, after))


def test_a_file_that_followed_no_formatter_gets_its_long_changed_statements_wrapped(
    tmp_path: Path,
) -> None:
    after, text, notes = fixed_at_79(tmp_path, YAPF_LONG)
    # only the changed statement: quotes, spacing and the wrapped signature above stay
    assert text == after.replace(YAPF_LONG, YAPF_WRAPPED)
    assert notes == [
        "the project declares no formatter and these files did not pass `ruff format --check` "
        "before the fix, so only the changed statements longer than the line length, or whose "
        "continuation lines the project's linter would newly report, were formatted (format = "
        "true in [tool.backfix] formats all the changed lines): a.py"
    ]


def test_only_the_long_statements_of_a_fix_are_wrapped(tmp_path: Path) -> None:
    write(tmp_path / "setup.cfg", "[flake8]\nmax-line-length = 79\n")
    before = "def find(field):\n    if field:\n        raise ValueError('taken')\n    return 1\n"
    header = "    if db.session.execute(db.select(User).filter_by(email=field.data)).scalars().first():\n"
    after = before.replace("    if field:\n", header).replace("return 1", "return {  'a':1 }")
    text, _ = formatted(tmp_path / "a.py", before, after)
    assert text == after.replace(
        header,
        "    if (\n"
        "        db.session.execute(db.select(User).filter_by(email=field.data))\n"
        "        .scalars()\n"
        "        .first()\n"
        "    ):\n",
    )  # the header alone: its body and the short changed statement keep their style


def test_a_wrapped_statement_after_a_local_import_gets_no_blank_line(tmp_path: Path) -> None:
    """ruff puts a blank line after the imports of a function: that line is outside the fix."""
    write(tmp_path / "setup.cfg", "[flake8]\nmax-line-length = 79\n")
    before = "def find(name):\n    import json\n    row = 1\n    return json.dumps(row)\n"
    long = "    row = db.session.scalars(db.select(User).filter_by(name=name).limit(1)).first()\n"
    after = before.replace("    row = 1\n", long)
    text, _ = formatted(tmp_path / "a.py", before, after)
    assert text == after.replace(
        long,
        "    row = db.session.scalars(\n"
        "        db.select(User).filter_by(name=name).limit(1)\n"
        "    ).first()\n",
    )


def test_blank_lines_next_to_a_wrapped_statement_keep_their_whitespace(tmp_path: Path) -> None:
    write(tmp_path / "setup.cfg", "[flake8]\nmax-line-length = 79\n")
    before = YAPF_BEFORE + "    \n    \nKIND_TWO = 'x'\n"
    after = before.replace(YAPF_BEFORE.splitlines(keepends=True)[-1], YAPF_LONG)
    text, _ = formatted(tmp_path / "a.py", before, after)
    assert text == after.replace(
        YAPF_LONG, YAPF_WRAPPED
    )  # ruff strips the whitespace of the blank lines after the statement: they keep it


def test_a_long_line_formatting_cannot_wrap_is_left_with_a_note(tmp_path: Path) -> None:
    long_string = (
        "    return 'a string far too long to fit in seventy-nine columns, which ruff keeps'\n"
    )
    after, text, notes = fixed_at_79(tmp_path, long_string)
    assert text == after
    assert notes[-1] == (
        "a.py: line 7 is longer than 79 columns after the fix (ruff found no shorter form); "
        "wrap by hand"
    )


def test_a_long_statement_whose_formatting_would_touch_other_lines_is_left_with_a_note(
    tmp_path: Path,
) -> None:
    write(tmp_path / "setup.cfg", "[flake8]\nmax-line-length = 79\n")
    before = "def run(session, name):\n\tif name:\n\t\treturn 1\n\treturn 'x'\n"
    after = before.replace("\t\treturn 1\n", "\t" + LONG_CALL)
    text, notes = formatted(tmp_path / "a.py", before, after)
    assert text == after  # ruff would re-indent the whole tab-indented block
    assert notes[-1] == (
        "a.py: line 3 is longer than 79 columns after the fix (formatting would also change "
        "lines outside the statement); wrap by hand"
    )


def test_a_pragma_comment_does_not_count_towards_the_line_length(tmp_path: Path) -> None:
    line = (
        "    return db.session.scalars(db.select(Account)).first()  # type: ignore[no-any-return]\n"
    )
    after, text, notes = fixed_at_79(tmp_path, line)
    assert text == after
    assert len(notes) == 1 and notes[0].endswith(
        "so they keep their own layout (format = true in [tool.backfix] formats the changed "
        "lines anyway): a.py"
    )


@pytest.mark.parametrize("declare", ["config", "option"])
def test_a_declared_formatter_formats_only_the_changed_lines(tmp_path: Path, declare: str) -> None:
    if declare == "config":
        write(tmp_path / "pyproject.toml", "[tool.ruff.format]\n")
    odd = "x = {  'a':1 }\n"
    before = BEFORE.replace("def run", odd + "\n\ndef run") + odd
    after = (
        AFTER.replace("def run", odd + "\n\ndef run").replace("return 1", "return 2")
        + "\n\ndef other(session, name):\n"
        + LONG_CALL
        + odd
    )
    before = before.replace(
        "    return 1\n", "    return 1\n\n\ndef other(session, name):\n    pass\n"
    )
    text, notes = formatted(tmp_path / "a.py", before, after, True if declare == "option" else None)
    assert notes == []
    assert text.count(odd) == 2  # the unformatted statements outside the fix are kept as they were
    assert text.count(WRAPPED_CALL) == 2


def test_format_false_leaves_everything_as_the_codemod_wrote_it(tmp_path: Path) -> None:
    assert formatted(tmp_path / "a.py", BEFORE, AFTER, False) == (AFTER, [])


def test_a_new_file_is_formatted_whole(tmp_path: Path) -> None:
    text, _ = formatted(
        tmp_path / "svc.py", None, "class S:\n    def m(self, a,b):\n        pass\n"
    )
    assert text == "class S:\n    def m(self, a, b):\n        pass\n"


def test_a_new_file_keeps_its_quotes_unless_the_project_declares_a_formatter(
    tmp_path: Path,
) -> None:
    code = "class S:\n    def m(self, a,b):\n        return 'a'\n"
    text, _ = formatted(tmp_path / "plain" / "svc.py", None, code)
    assert text == "class S:\n    def m(self, a, b):\n        return 'a'\n"
    write(tmp_path / "ruff" / "pyproject.toml", "[tool.ruff.format]\n")
    text, _ = formatted(tmp_path / "ruff" / "svc.py", None, code)
    assert text == 'class S:\n    def m(self, a, b):\n        return "a"\n'


def test_crlf_line_endings_and_the_declared_encoding_are_kept(tmp_path: Path) -> None:
    before = '# -*- coding: latin-1 -*-\nx = "é"\n\n\ndef run(session, name):\n    return 1\n'
    after = before.replace("    return 1\n", LONG_CALL)
    crlf = change(tmp_path / "a.py", before.replace("\n", "\r\n"), after.replace("\n", "\r\n"))
    latin = change(tmp_path / "b.py", before, after, "latin-1")
    changes, notes = format_changes([crlf, latin], None)
    assert notes == []
    expected = before.replace("    return 1\n", WRAPPED_CALL)
    assert changes[0].after == expected.replace("\n", "\r\n").encode("utf-8")
    assert changes[1].after == expected.encode("latin-1")


def test_black_projects_keep_their_quotes(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.black]\nskip-string-normalization = true\n")
    before = "def run(session):\n    return 1\n"
    after = "def run(session):\n    return session.get(User, 'a', options=[selectinload(User.addresses_seen_by_anyone_at_all)])\n"
    text, _ = formatted(tmp_path / "a.py", before, after)
    assert text == (
        "def run(session):\n"
        "    return session.get(\n        User, 'a', options=[selectinload(User.addresses_seen_by_anyone_at_all)]\n    )\n"
    )


def test_files_the_project_excludes_from_ruff_are_not_formatted(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.ruff]\nextend-exclude = ["migrations"]\n')
    result = formatted(tmp_path / "migrations" / "a.py", BEFORE, AFTER, True)
    assert result == (AFTER, [])


def test_formatting_that_would_touch_other_lines_is_refused_with_a_note(tmp_path: Path) -> None:
    before = "def run(session, name):\n\tif name:\n\t\treturn 1\n\treturn 0\n"
    after = before.replace("\t\treturn 1\n", "\t" + LONG_CALL)
    text, notes = formatted(tmp_path / "a.py", before, after, True)
    assert text == after
    assert notes == ["a.py: not formatted: formatting would also change line 2, outside the fix"]


#: Python 3.14's unparenthesized exception list (PEP 758): LibCST and ruff read it, `ast` before 3.14
#: does not.
NEWER_SYNTAX = "\n\ntry:\n    pass\nexcept ValueError, TypeError:\n    pass\n"
OLDER_PYTHON = pytest.mark.skipif(
    sys.version_info >= (3, 14), reason="this Python parses `except A, B:`"
)


@OLDER_PYTHON
def test_a_file_in_newer_syntax_than_this_python_is_left_with_a_note_saying_why(
    tmp_path: Path,
) -> None:
    # The checks of the formatted code read it with `ast`: the note says this Python cannot parse
    # the file, not that formatting would change line 1.
    text, notes = formatted(tmp_path / "a.py", BEFORE + NEWER_SYNTAX, AFTER + NEWER_SYNTAX, True)
    assert text == AFTER + NEWER_SYNTAX
    assert len(notes) == 1
    assert "a.py: not formatted: Python 3." in notes[0]
    assert "cannot parse this file (line 10: multiple exception types" in notes[0]
    assert "outside the fix" not in notes[0]


@OLDER_PYTHON
def test_a_new_file_in_newer_syntax_than_this_python_is_left_with_a_note_saying_why(
    tmp_path: Path,
) -> None:
    code = "class S:\n    def m(self, a,b):\n        pass\n" + NEWER_SYNTAX
    text, notes = formatted(tmp_path / "svc.py", None, code)
    assert text == code
    assert len(notes) == 1 and "cannot parse this file (line 8:" in notes[0]
    assert "would not mean the same" not in notes[0]


def test_a_fix_formatting_leaves_as_it_is_gets_no_note_in_newer_syntax_either(
    tmp_path: Path,
) -> None:
    before = BEFORE + NEWER_SYNTAX
    after = before.replace("return 1", "return 2")
    assert formatted(tmp_path / "a.py", before, after, True) == (after, [])


def test_without_ruff_the_run_says_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formatting, "find_ruff", lambda root=None: None)
    text, notes = formatted(tmp_path / "a.py", BEFORE, AFTER)
    assert text == AFTER
    assert notes and "pip install ruff" in notes[0] and "format = false" in notes[0]


def test_the_bundled_ruff_is_found() -> None:
    assert find_ruff(None) is not None


def test_a_changed_line_inside_a_statement_keeps_the_comments_of_that_statement(
    tmp_path: Path,
) -> None:
    """ruff's --range starting inside a statement can drop its comment: the whole statement is
    formatted instead, and a formatting that loses a comment is never kept."""
    write(tmp_path / "pyproject.toml", "[tool.ruff.format]\n")
    before = (
        "def f(s):\n    return (\n        s.q(T)\n        .where(T.c != True)  # noqa: E712\n"
        "        .rows()\n    )\n"
    )
    after = (
        "def f(s):\n    return (\n        s.run(sel(T)\n        .where(T.c != True))  # noqa: E712\n"
        "        .rows()\n    )\n"
    )
    text, notes = formatted(tmp_path / "a.py", before, after)
    assert text == "def f(s):\n    return s.run(sel(T).where(T.c != True)).rows()  # noqa: E712\n"
    assert notes == []


def test_formatting_that_loses_a_comment_is_refused(tmp_path: Path) -> None:
    with pytest.raises(formatting.FormatError, match="comment"):
        formatting._accepted(
            change(tmp_path / "a.py", "", "x = 1  # keep\n"), "x = 1  # keep\n", "x = 1\n", False
        )


@pytest.mark.parametrize("args", ["[--line-length=120]", "['--line-length', '120']", "[-l, '120']"])
def test_a_pre_commit_hook_gives_its_line_length(tmp_path: Path, args: str) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path / ".pre-commit-config.yaml",
        "repos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.1\n    hooks:\n"
        f"      - id: black\n        args: {args}\n"
        "  - repo: https://github.com/PyCQA/flake8\n    hooks:\n"
        "      - id: flake8\n        args: ['--max-line-length=79']\n",
    )
    settings = settings_for(tmp_path / "app" / "a.py")
    assert (settings.formatter, settings.line_length) == ("black", 120)
    assert settings.ruff_args == ("--line-length", "120")


def test_a_pre_commit_hook_without_a_line_length_keeps_the_default(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    write(
        tmp_path / ".pre-commit-config.yaml",
        "repos:\n  - repo: https://github.com/psf/black\n    hooks:\n      - id: black\n"
        "  - repo: https://github.com/PyCQA/flake8\n    hooks:\n"
        "      - id: flake8\n        args: ['-l 79']\n",
    )
    assert settings_for(tmp_path / "app" / "a.py").line_length == 88


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "tox.ini",
            "[tox]\nenvlist = py38,format\n\n[testenv:format]\ncommands =\n    black --check .\n"
            "\n[flake8]\nmax-line-length = 100\n",
            ("black", 88),
        ),
        ("Makefile", "format:\n\t@python -m black -l 100 app tests\n", ("black", 100)),
        ("Makefile", "format:\n\tuv tool run ruff format .\n", ("ruff", 88)),
        ("Makefile", "format:\n\tuvx ruff@0.6.9 format src\n", ("ruff", 88)),
        ("Makefile", "fmt:\n\tpoetry run python -m black -l 100 .\n", ("black", 100)),
        ("Makefile", "fmt:\n\tpipx run black .\n", ("black", 88)),
        (
            ".github/workflows/lint.yml",
            "jobs:\n  lint:\n    steps:\n      - uses: actions/checkout@v4\n"
            "      - uses: psf/black@stable\n",
            ("black", 88),
        ),
        (
            ".github/workflows/lint.yml",
            "jobs:\n  lint:\n    steps:\n      - uses: psf/black@stable\n        with:\n"
            '          options: "--check -l 100"\n      - run: pytest\n',
            ("black", 100),
        ),
        (
            ".github/workflows/ci.yaml",
            "jobs:\n  lint:\n    steps:\n      - name: format\n        run: |\n"
            "          pip install ruff\n          ruff format --check .\n",
            ("ruff", 88),
        ),
        (
            ".github/workflows/ci.yml",
            "jobs:\n  t:\n    steps:\n      - run: pip install black\n      - run: pytest\n",
            ("", 100),
        ),
        ("noxfile.py", 'def fmt(session):\n    session.run("ruff", "format", ".")\n', ("ruff", 88)),
        ("tox.ini", "[testenv]\ndeps = black\ncommands = pytest  # then blacken-docs\n", ("", 100)),
    ],
)
def test_a_formatter_that_tox_nox_or_make_runs_is_the_projects(
    tmp_path: Path, name: str, text: str, expected: tuple[str, int]
) -> None:
    """fedora elections runs black only from tox.ini: its lines were wrapped at flake8's 100
    columns instead of black's 88, and black --check failed on the output."""
    (tmp_path / ".git").mkdir()
    write(tmp_path / name, text)
    write(tmp_path / "setup.cfg", "[flake8]\nmax-line-length = 100\n")
    settings = settings_for(tmp_path / "app" / "a.py")
    assert (settings.formatter, settings.line_length) == expected


# --- pragma comments: they govern their line, and black counts them -------------------------------------

QUERY_BEFORE = (
    "def open_count(db):\n"
    "    tickets = db.query(Ticket).filter(Ticket.closed == False).count()  # {}\n"
    "    return tickets\n"
)
QUERY_AFTER = (
    "def open_count(db):\n"
    "    tickets = db.scalar(select(func.count()).select_from(Ticket).where(Ticket.closed == False))  # {}\n"
    "    return tickets\n"
)
QUERY_WRAPPED = (
    "def open_count(db):\n"
    "    tickets = db.scalar(\n"
    "        select(func.count()).select_from(Ticket).where(Ticket.closed == False)  # {}\n"
    "    )\n"
    "    return tickets\n"
)


def _black_hook(root: Path, line_length: int) -> None:
    (root / ".git").mkdir(parents=True)
    # the black found here: a hook of another year's black would add a note about that
    black = find_black(None)
    version = tool_version(black) if black else None
    rev = f"{version[0]}.{version[1]}.0" if version else "24.1.1"
    write(
        root / ".pre-commit-config.yaml",
        f"repos:\n  - repo: https://github.com/psf/black\n    rev: {rev}\n    hooks:\n"
        f"      - id: black\n        args: [--line-length={line_length}]\n",
    )


@pytest.mark.parametrize("pragma", ["noqa: E712", "noqa"])
@pytest.mark.parametrize(
    "project", ["black-hook", "ruff-format", "flake8-only"], ids=lambda p: str(p)
)
def test_a_noqa_goes_to_the_line_of_the_wrapped_statement_ruff_reports_its_code_on(
    tmp_path: Path, project: str, pragma: str
) -> None:
    if project == "black-hook":
        _black_hook(tmp_path, 88)
    elif project == "ruff-format":
        write(tmp_path / "ruff.toml", "line-length = 88\n[format]\n")
    else:
        write(tmp_path / "setup.cfg", "[flake8]\nmax-line-length = 88\n")
    text, notes = formatted(
        tmp_path / "a.py", QUERY_BEFORE.format(pragma), QUERY_AFTER.format(pragma)
    )
    if project == "black-hook" and pragma != "noqa":  # black counts the comment: 92 columns
        assert text == QUERY_WRAPPED.format(pragma).replace(
            "        select(func.count()).select_from(Ticket).where(",
            "        select(func.count())\n        .select_from(Ticket)\n        .where(",
        )
    else:
        assert text == QUERY_WRAPPED.format(pragma)
    assert not [note for note in notes if "noqa" in note]


def test_a_moved_noqa_that_makes_its_line_too_long_for_black_is_wrapped_again(
    tmp_path: Path,
) -> None:
    write(tmp_path / "pyproject.toml", "[tool.black]\nline-length = 70\n")
    after = QUERY_AFTER.replace("== False)", "== False, Ticket.other_column)")
    text, notes = formatted(
        tmp_path / "a.py", QUERY_BEFORE.format("noqa: E712"), after.format("noqa: E712")
    )
    assert notes == []
    assert text == (
        "def open_count(db):\n"
        "    tickets = db.scalar(\n"
        "        select(func.count())\n"
        "        .select_from(Ticket)\n"
        "        .where(\n"
        "            Ticket.closed == False,  # noqa: E712\n"
        "            Ticket.other_column,\n"
        "        )\n"
        "    )\n"
        "    return tickets\n"
    )


@pytest.mark.parametrize("pragma", ["type: ignore[arg-type]", "noqa: XYZ123", "pyright: ignore"])
def test_a_pragma_that_cannot_be_placed_keeps_its_statement_on_one_line_with_a_note(
    tmp_path: Path, pragma: str
) -> None:
    write(tmp_path / "ruff.toml", "line-length = 88\n[format]\n")
    after = QUERY_AFTER.format(pragma)
    text, notes = formatted(tmp_path / "a.py", QUERY_BEFORE.format(pragma), after)
    assert text == after
    assert notes == [
        f"a.py: line 2 is kept on one line, longer than 88 columns, since wrapping would carry "
        f"`# {pragma}` off the code it governs; wrap by hand and put the comment on the line it "
        "applies to"
    ]


INNER_PRAGMA_BEFORE = (
    "class Tasks:\n"
    "    def of(self, ids):\n"
    "        found = TaskDefinition.query.filter(\n"
    "            TaskDefinition.process_definition_id.in_(ids.keys())  # type: ignore\n"
    "        ).all()\n"
    "        return found\n"
)
INNER_PRAGMA_AFTER = (
    "class Tasks:\n"
    "    def of(self, ids):\n"
    "        found = db.session.scalars(\n"
    "            db.select(TaskDefinition).where(\n"
    "                TaskDefinition.process_definition_id.in_(ids.keys())  # type: ignore\n"
    "            )\n"
    "        ).all()\n"
    "        return found\n"
)


@pytest.mark.parametrize("length", [60, 100])
def test_a_pragma_inside_a_statement_formatting_would_carry_off_its_code_keeps_it_as_written(
    tmp_path: Path, length: int
) -> None:
    """``# type: ignore`` ends the line of ``.in_(...)`` inside a wrapped call: where wrapping
    that line would leave the comment after the closing bracket, a line below the error it
    silences, the statement stays as the rewrite wrote it, and a note names it."""
    write(tmp_path / "ruff.toml", f"line-length = {length}\n[format]\n")
    text, notes = formatted(tmp_path / "a.py", INNER_PRAGMA_BEFORE, INNER_PRAGMA_AFTER)
    assert text == INNER_PRAGMA_AFTER
    if length == 100:  # the line fits: nothing to keep
        assert notes == []
        return
    assert notes == [
        "a.py: the statement with line 5 is kept as the rewrite wrote it, not formatted, since "
        "formatting would carry `# type: ignore` off the code it governs; format by hand and put "
        "the comment on the line it applies to"
    ]


def test_a_bare_noqa_whose_reports_wrapping_spreads_over_two_lines_keeps_its_statement_on_one(
    tmp_path: Path,
) -> None:
    write(tmp_path / "ruff.toml", "line-length = 70\n[format]\n")
    after = QUERY_AFTER.replace("== False)", "== False, Ticket.owner != None)").format("noqa")
    text, notes = formatted(tmp_path / "a.py", QUERY_BEFORE.format("noqa"), after)
    # E712 and E711 would end on two lines, and one comment silences both only on one line
    assert text == after
    assert [note for note in notes if "`# noqa`" in note] == [
        "a.py: line 2 is kept on one line, longer than 70 columns, since wrapping would carry "
        "`# noqa` off the code it governs; wrap by hand and put the comment on the line it "
        "applies to"
    ]


def test_a_noqa_for_a_long_line_stays_where_the_formatter_puts_it(tmp_path: Path) -> None:
    write(tmp_path / "ruff.toml", "line-length = 88\n[format]\n")
    text, notes = formatted(
        tmp_path / "a.py", QUERY_BEFORE.format("noqa: E501"), QUERY_AFTER.format("noqa: E501")
    )
    assert notes == []
    assert text == QUERY_WRAPPED.format("noqa: E501").replace(
        "False)  # noqa: E501\n    )\n", "False)\n    )  # noqa: E501\n"
    )


def test_in_a_black_project_a_pragma_comment_counts_towards_the_line_width(
    tmp_path: Path,
) -> None:
    # 95 columns of code and a 14-column noqa: ruff alone leaves it at 100 columns, black does not.
    _black_hook(tmp_path / "black", 100)
    write(tmp_path / "ruff" / "ruff.toml", "line-length = 100\n[format]\n")
    before, after = QUERY_BEFORE.format("noqa: E712"), QUERY_AFTER.format("noqa: E712")
    assert len(after.splitlines()[1].split("  #")[0]) <= 100 < len(after.splitlines()[1])
    text, notes = formatted(tmp_path / "black" / "a.py", before, after)
    assert (text, notes) == (QUERY_WRAPPED.format("noqa: E712"), [])
    assert formatted(tmp_path / "ruff" / "a.py", before, after) == (after, [])


def test_masked_pragma_comments_keep_their_width_and_come_back() -> None:
    text = "x = f(a)  # noqa: E712\ny = g(b)  # type: ignore[misc]\nz = 1  # plain\n"
    masked = mask_pragmas(text)
    assert [len(line) for line in masked.text.splitlines()] == [
        len(line) for line in text.splitlines()
    ]
    assert "noqa" not in masked.text and "type:" not in masked.text
    assert "# plain" in masked.text
    assert masked.restore(masked.text) == text
    assert masked.restore(masked.text.replace("  # plain", "")) == text.replace("  # plain", "")
    assert masked.restore("x = f(a)\n") is None  # a disguised comment lost: refused


NEW_SERVICE = (
    "class JobService:\n"
    "    @staticmethod\n"
    "    def rename(job, first, last):\n"
    "        # one name, as the form had it\n"
    '        job.name = "{} {}".format(first, last)\n'
)


def test_a_new_module_gets_the_safe_fixes_of_the_projects_ruff_rules(tmp_path: Path) -> None:
    """Moved code can break a rule it kept where it was (arguments that became plain names make
    ``str.format`` an f-string to ``UP032``): a new module follows the project's ruff rules."""
    write(tmp_path / "pyproject.toml", '[tool.ruff.lint]\nselect = ["UP"]\n')
    text, notes = formatted(tmp_path / "app" / "job_service.py", None, NEW_SERVICE)
    assert 'job.name = f"{first} {last}"\n' in text
    assert "# one name, as the form had it\n" in text and notes == []


def test_without_ruff_configured_a_new_module_keeps_its_code(tmp_path: Path) -> None:
    text, _notes = formatted(tmp_path / "app" / "job_service.py", None, NEW_SERVICE)
    assert '"{} {}".format(first, last)' in text


def test_a_black_project_that_pins_another_ruff_is_still_formatted(tmp_path: Path) -> None:
    """keep pins ruff 0.11.4 (``required-version``) and formats with black. The ruff that prepares
    black's input runs without the project's ruff configuration there, with black's settings; a
    project that formats with ruff itself gets ruff's refusal, which the run reports."""
    ruff = find_ruff(None)
    assert ruff is not None
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff]\nrequired-version = "==0.0.1"\n\n[tool.black]\nline-length = 40\n'
    )
    path = str(tmp_path / "jobs.py")
    text = "result = compute(first_argument, second_argument)\n"
    black = settings_for(path)
    assert black.formatter == "black"
    assert format_text(ruff, text, path, black) == (
        "result = compute(\n    first_argument, second_argument\n)\n"
    )
    with pytest.raises(formatting.FormatError, match="Required version"):
        format_text(ruff, text, path, replace(black, formatter="ruff"))
