"""cst_reduce leaves out function bodies and keeps every position of the rest.

Each case is reduced keeping the functions whose name starts with ``keep``; both modules are parsed
with LibCST and walked side by side: every node outside a left-out body has the same range in both
(the nodes around a left-out body the same start), and a left-out body is ``...``. Blank lines
are not compared: the blank lines a left-out body leaves become leading lines of what follows.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path
from typing import cast

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits.reduce import kept_functions
from testkit import repository_sources, webapp_sources

from backfix import cst_reduce
from backfix.cst_positions import positions
from backfix.cst_reduce import FunctionNode, outer_functions, reduce_source, reduce_source_tree

CASES = {
    "plain": "import os\n\ndef keep_a(x):\n    return x\n\ndef drop(y):\n    z = y\n    return z\n\nX = 1\n",
    "docstrings": 'def drop():\n    """Doc.\n\n    More.\n    """\n    return 1\n\n'
    'def keep_b():\n    """Doc."""\n    return drop()\n',
    "multi-line string": 'def drop():\n    s = """\nnot code\n  def x(): pass\n"""\n    return s\n'
    "def keep_c():\n    return 2\n",
    "backslash": "def drop():\n    x = 1 + \\\n        2\n    return x\nY = 3 + \\\n    4\n",
    "crlf": "def drop():\r\n    return 1\r\n\r\ndef keep_d():\r\n    return 2\r\n",
    "cr": "def drop():\r    return 1\rdef keep_d():\r    return 2\r",
    "tabs": "class A:\n\tdef drop(self):\n\t\treturn 1\n\tdef keep_e(self):\n\t\treturn 2\n",
    "nested classes": "class A:\n    class B:\n        def drop(self):\n            return 1\n"
    "        x = 1\n    def keep_f(self):\n        def inner():\n            return 3\n"
    "        return inner\n",
    "decorators": "@app.route(\n    '/x',\n    methods=['GET'],\n)\n@other  # c\n"
    "def drop(\n    a: int = 1,\n    *b: str,\n) -> dict[\n    str, int\n]:\n    return {}\n",
    "async": "async def drop():\n    async with x as y:\n        await y\n"
    "async def keep_g():\n    await z\n",
    "comments": "def drop():  # header comment\n    # before the body\n\n    x = 1  # trailing\n"
    "    # after the body\n# dedented\nZ = 2\n",
    "form feed": "\x0cdef drop():\n    return 1\n\x0c\ndef keep_h():\n    return 2\n",
    "one-liner": "def drop(): return 1\ndef keep_i(): return 2\nclass C: pass\n",
    "semicolons": "def drop():\n    a = 1; b = 2\n    return a; \nQ = 1\n",
    "blocks": "if X:\n    def drop():\n        return 1\nelse:\n    def drop2():\n        pass\n"
    "try:\n    def drop3():\n        return 3\nexcept E:\n    pass\nwith m:\n    def drop4():\n"
    "        return 4\n",
    "non-ascii": "S = 'é'\ndef drop():\n    return 'ünïcode'\ndef keep_j():\n    return 'ß' + S\n",
    "no final newline": "def keep_k():\n    return 1\ndef drop():\n    return 2",
    "deeper body": "def drop():\n    if a:\n        for b in c:\n            while d:\n"
    "                pass\n    else:\n        return 1\nW = 0\n",
    "body after comment line": "def drop(\n    a,\n):\n    # why\n    return a\n",
    "lambda and match": "def drop(v):\n    match v:\n        case 1:\n            return lambda: 1\n"
    "        case _:\n            return None\n",
}


def _keep(function: FunctionNode) -> bool:
    return function.name.startswith("keep")


def _reduce(code: str) -> bytes | None:
    raw = code.encode("utf-8")
    return reduce_source(raw, ast.parse(raw), _keep)


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    """The children of ``node`` but blank lines: LibCST gives the next statement the blank lines
    a left-out body leaves (as it does a body's own blank lines after it), ranges of no code."""
    return [
        child
        for child in node.children
        if not (isinstance(child, cst.EmptyLine) and child.comment is None)
    ]


def _compare(
    full: cst.CSTNode,
    reduced: cst.CSTNode,
    spans: tuple[object, object],
) -> bool:
    """Assert the two trees match outside left-out bodies; True when ``full`` holds one."""
    full_spans, reduced_spans = spans
    assert type(full) is type(reduced)
    changed = False
    if isinstance(full, cst.FunctionDef) and isinstance(reduced, cst.FunctionDef):
        empty = cst.Module([])
        if empty.code_for_node(full.body) != empty.code_for_node(reduced.body):
            assert not full.name.value.startswith("keep")
            assert isinstance(reduced.body, cst.IndentedBlock)
            (line,) = reduced.body.body
            assert isinstance(line, cst.SimpleStatementLine)
            assert [type(small) for small in line.body] == [cst.Expr]
            assert isinstance(cast("cst.Expr", line.body[0]).value, cst.Ellipsis)
            changed = True
    full_children, reduced_children = _children(full), _children(reduced)
    if not changed:
        assert len(full_children) == len(reduced_children)
    for full_child, reduced_child in zip(full_children, reduced_children, strict=False):
        if changed and full_child is getattr(full, "body", None):
            assert full_spans[full_child][:2] == reduced_spans[reduced_child][:2]  # type: ignore[index]
            continue
        changed = _compare(full_child, reduced_child, spans) or changed
    full_span = full_spans[full]  # type: ignore[index]
    reduced_span = reduced_spans[reduced]  # type: ignore[index]
    if changed:
        assert full_span[:2] == reduced_span[:2]
    else:
        assert full_span == reduced_span
    return changed


@pytest.mark.parametrize("name", sorted(CASES))
def test_kept_code_keeps_its_positions(name: str) -> None:
    code = CASES[name]
    reduced = _reduce(code)
    assert reduced is not None
    raw = code.encode("utf-8")
    assert reduced.count(b"\n") == raw.count(b"\n")
    assert reduced.count(b"\r") == raw.count(b"\r")
    full_module = cst.parse_module(raw)
    reduced_module = cst.parse_module(reduced)
    spans = (positions(full_module), positions(reduced_module))
    changed = _compare(full_module, reduced_module, spans)
    lines = raw.splitlines()
    left_out = [
        f
        for f in outer_functions(ast.parse(raw))
        if not _keep(f) and not lines[f.body[0].lineno - 1][: f.body[0].col_offset].strip()
    ]
    assert changed == bool(left_out)


def test_left_out_bodies_are_short() -> None:
    reduced = _reduce(CASES["plain"])
    assert reduced == (
        b"import os\n\ndef keep_a(x):\n    return x\n\ndef drop(y):\n    ...\n\n\nX = 1\n"
    )


def test_functions_inside_a_kept_one_stay_whole() -> None:
    code = "def keep_a():\n    def inner():\n        return 1\n    return inner\n"
    assert _reduce(code) == code.encode("utf-8")


def test_one_line_bodies_stay() -> None:
    code = CASES["one-liner"]
    assert _reduce(code) == code.encode("utf-8")


@pytest.mark.parametrize(
    "raw",
    [
        b"\xef\xbb\xbfdef drop():\n    return 1\n",
        b"# -*- coding: latin-1 -*-\nS = '\xe9'\ndef drop():\n    return 1\n",
        "# coding: latin-1\nS = 'é'\ndef drop():\n    return 1\n".encode(),
    ],
    ids=["bom", "latin-1 bytes", "latin-1 cookie on utf-8 bytes"],
)
def test_unusual_files_are_not_reduced(raw: bytes) -> None:
    tree = ast.parse(raw)
    assert reduce_source(raw, tree, _keep) is None


def test_outer_functions_skip_nested_ones() -> None:
    tree = ast.parse(CASES["nested classes"] + CASES["blocks"])
    names = [f.name for f in outer_functions(tree)]
    assert names == ["drop", "keep_f", "drop", "drop2", "drop3", "drop4"]


def _reduced_both_ways(raw: bytes, keep: Callable[[FunctionNode], bool]) -> tuple[object, object]:
    """The reduced text and a dump of its tree (positions included), derived and parsed again."""
    tree = ast.parse(raw)
    found: list[object] = []
    for reparse in (False, True):
        cst_reduce.REPARSE = reparse
        try:
            reduced = reduce_source_tree(raw, tree, keep)
        finally:
            cst_reduce.REPARSE = False
        found.append(
            None if reduced is None else (reduced[0], ast.dump(reduced[1], include_attributes=True))
        )
    return found[0], found[1]


def _samples(tmp_path: Path) -> dict[str, str]:
    sources = {f"case {name}": code for name, code in CASES.items()}
    sources.update(repository_sources())
    sources.update(webapp_sources(tmp_path, seed=0, resources=8))
    return sources


def test_the_derived_tree_is_the_parsed_one(tmp_path: Path) -> None:
    # What is left out: no body, every other body, and what move-commits leaves out.
    differ: list[str] = []
    for name, code in _samples(tmp_path).items():
        raw = code.encode("utf-8")
        try:
            tree = ast.parse(raw)
        except SyntaxError:
            continue
        kept = kept_functions(tree)
        for label, keep in (
            ("none", lambda function: False),
            ("odd", lambda function: function.lineno % 2 == 1),
            ("move-commits", lambda function, kept=kept: id(function) in kept),
        ):
            derived, parsed = _reduced_both_ways(raw, keep)
            if derived != parsed:
                differ.append(f"{name} ({label})")
    assert differ == []


def test_a_body_that_starts_with_a_decorated_definition_is_not_reduced() -> None:
    # Its decorators are above the line `ast` gives the definition: the result would not parse.
    for first in ("@dec\n    def inner():\n        pass\n", "@dec\n    class C:\n        pass\n"):
        raw = f"def drop():\n    {first}    return 1\nX = 1\n".encode()
        derived, parsed = _reduced_both_ways(raw, _keep)
        assert derived is None and parsed is None


def test_the_file_tree_is_not_changed() -> None:
    raw = (CASES["nested classes"] + CASES["blocks"]).encode()
    tree = ast.parse(raw)
    before = ast.dump(tree, include_attributes=True)
    reduced = reduce_source_tree(raw, tree, _keep)
    assert reduced is not None and reduced[1] is not tree
    assert ast.dump(tree, include_attributes=True) == before
