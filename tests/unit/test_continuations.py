"""Backslash-only lines before a statement: LibCST drops them, backfix parses them as blank lines.

The guard for every LibCST position: the lines a scan reports are the file's lines, as Python
counts them, and a statement after an indented block stays outside it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import MetadataWrapper, PositionProvider
from testkit import init_repo, invoke, repository_sources, webapp_sources

from backfix.continuations import blank_continuations
from backfix.source import parse_cst

#: files where LibCST itself drops a line: name -> (source, the lines backfix blanks)
DROPPED = {
    "module level": ("x = 1\n\\\ny = 2\n", [2]),
    "in a block": ("def f():\n    x = 1\n    \\\n    y = 2\n", [3]),
    "unindented in a block": ("def f():\n    x = 1\n\\\n    y = 2\n", [3]),
    "first line": ("\\\nx = 1\n", [1]),
    "before a def": ("@d\n\\\ndef f(): pass\n", [2]),
    "before a decorator": ("x = 1\n\\\n@d\ndef f(): pass\n", [2]),
    "two in a row": ("x = 1\n\\\n\\\ny = 2\n", [2, 3]),
    "after a block": ("if a:\n    x = 1\n\\\ny = 2\n", [3]),
    "crlf": ("x = 1\r\n\\\r\ny = 2\r\n", [2]),
    "indented body of a header": ("if a:\n\\\n    x = 1\n", [2]),
    "indented like the statement": ("def f():\n    x = 1\n    \\\n    y = 2\n", [3]),
}

#: backslash-only lines LibCST keeps: the text is parsed as it is
KEPT = {
    "none": "x = 1\ny = 2\n",
    "in parentheses": "x = (1,\n\\\n2)\n",
    "continuing a statement": "x = 1 + \\\n\\\n2\n",
    "before a comment": "x = 1\n\\\n# c\ny = 2\n",
    "before a blank line": "x = 1\n\\\n\ny = 2\n",
    "in a string": 's = """a\n\\\n"""; t = 1\n',
    "not python": "x = (\n\\\ny = 2\n",
    # Python reads `y = 2` inside `f`, indented as the backslash line: blanking would move it out
    "indented unlike the statement": "def f():\n    x = 1\n    \\\ny = 2\n",
}


def _blanked(source: str, lines: list[int]) -> str:
    kept = source.replace("\n", "\n\0").split("\0")
    for line in lines:
        text = kept[line - 1]
        kept[line - 1] = text[len(text.rstrip("\r\n")) :]
    return "".join(kept)


class _DefinedNames(cst.CSTVisitor):
    """The ``Name`` nodes that name a function or class (`ast` has no node for them)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.ids.add(id(node.name))

    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.ids.add(id(node.name))


def _name_positions(module: cst.Module) -> list[tuple[str, int, int]]:
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    defined = _DefinedNames()
    wrapper.visit(defined)
    table = wrapper.resolve(PositionProvider)
    return sorted(
        (node.value, span.start.line, span.start.column)
        for node, span in table.items()
        if isinstance(node, cst.Name) and id(node) not in defined.ids
    )


def _ast_name_positions(source: str) -> list[tuple[str, int, int]]:
    return sorted(
        (node.id, node.lineno, node.col_offset)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Name)
    )


@pytest.mark.parametrize("name", DROPPED)
def test_the_lines_libcst_drops_are_blanked(name: str) -> None:
    source, lines = DROPPED[name]
    assert blank_continuations(source.encode()).decode() == _blanked(source, lines)


@pytest.mark.parametrize("name", KEPT)
def test_other_backslash_lines_are_kept(name: str) -> None:
    source = KEPT[name]
    assert blank_continuations(source.encode()) == source.encode()


@pytest.mark.parametrize("name", [n for n in DROPPED if n != "indented body of a header"])
def test_libcst_drops_them_itself(name: str) -> None:
    # Why the blanking exists: LibCST's own tree does not print these files back.
    source = DROPPED[name][0]
    assert cst.parse_module(source).code != source


@pytest.mark.parametrize("name", DROPPED)
def test_libcst_positions_are_the_files_lines(name: str) -> None:
    source = DROPPED[name][0]
    module = parse_cst(source.encode())
    assert _name_positions(module) == _ast_name_positions(source)


def test_a_statement_after_a_block_stays_outside_it() -> None:
    # LibCST alone moves `y = 2` into the `if` body.
    module = parse_cst(DROPPED["after a block"][0].encode())
    assert [type(statement).__name__ for statement in module.body] == ["If", "SimpleStatementLine"]


@pytest.mark.parametrize("corpus", ["repository", "webapp"])
def test_files_without_such_lines_are_parsed_as_they_are(corpus: str, tmp_path: Path) -> None:
    sources = repository_sources() if corpus == "repository" else webapp_sources(tmp_path, 3, 4)
    for path, text in sources.items():
        assert blank_continuations(text.encode()) == text.encode(), path


def test_python_reads_the_blanked_text_as_the_file() -> None:
    for source, _lines in DROPPED.values():
        blanked = blank_continuations(source.encode())
        assert ast.dump(ast.parse(blanked), include_attributes=True) == ast.dump(
            ast.parse(source), include_attributes=True
        )


def test_scan_reports_the_files_lines_and_apply_leaves_the_file_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    route = (
        "from flask import Blueprint\n\n"
        "from app.extensions import db\n"
        "from app.models import Job\n\n"
        'bp = Blueprint("jobs", __name__)\n'
        "\\\n"
        "LIMIT = 10\n\n\n"
        '@bp.post("/jobs")\n'
        "def create_job():\n"
        "    job = Job()\n"
        "    if job:\n"
        "        db.session.add(job)\n"
        "    \\\n"
        "    db.session.commit()\n"
        '    return "ok"\n'
    )
    root = init_repo(
        tmp_path / "repo",
        {"app/__init__.py": "", "app/routes/__init__.py": "", "app/routes/jobs.py": route},
    )
    monkeypatch.chdir(root)
    code, out, _err = invoke("scan", "--no-ledger", "--codemod", "move-commits", "--path", ".")
    assert code == 1
    assert "app/routes/jobs.py:17:5: [move-commits]" in out
    code, _out, err = invoke("apply", "move-commits", "--path", ".")
    assert code == 2
    assert "app/routes/jobs.py:7:1: error formatting-loss" in err
    assert (root / "app/routes/jobs.py").read_text() == route


def test_a_backslash_line_ending_the_file_is_blanked() -> None:
    """CPython reads a last line holding only a backslash when a CRLF ends it, and LibCST refuses
    the file: the bare-except property test generated one and got `unsupported-syntax`."""
    source = b"x = 1\n\\\r\n"
    assert blank_continuations(source) == b"x = 1\n\r\n"
    assert parse_cst(source).code == "x = 1\n\r\n"
