"""move-commits' ``code_of`` reads plain names and calls without code generation and generates the rest
without LibCST's position hook, and gives the same text as LibCST."""

from __future__ import annotations

from collections.abc import Callable

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits.frameworks import iter_nodes
from backfix.builtin_codemods.move_commits.syntax import code_of, plain_hook_is_a_no_op
from libcst._nodes.base import CSTCodegenError
from testkit import repository_sources

SOURCE = """\
import os.path as osp
from a . b import c
x = a.b.c
y = (a).b
z = (a.b)
w = (a.
     b)
v = (a
     .b.c)
u = f(x).y.z
t = a[0].b
s = a .b
db.session.commit()
await db.commit()
r = (db.commit())
q = db.commit ()
p = db.commit( )
o = db.commit(x)
n = (db).commit()
m = f()()
l = a.b()[0]
"""


@pytest.mark.parametrize(
    "node",
    [
        n
        for n in iter_nodes(cst.parse_module(SOURCE))
        if isinstance(n, (cst.Name, cst.Attribute, cst.Call))
    ],
    ids=lambda n: cst.Module([]).code_for_node(n).replace("\n", "\\n"),
)
def test_code_of_a_name_or_call_is_what_libcst_generates(node: cst.CSTNode) -> None:
    assert code_of(node) == cst.Module([]).code_for_node(node)


def test_the_plain_code_generation_is_used_in_this_libcst() -> None:
    assert plain_hook_is_a_no_op()


def test_code_of_every_node_of_the_repository_sources_is_what_libcst_generates() -> None:
    # What moved statements, hoisted reads and sites are generated with: every node of every
    # snapshot input and e2e file.
    empty = cst.Module([])
    differ: list[str] = []
    for path, code in repository_sources().items():
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        for node in iter_nodes(module):
            if _outcome(code_of, node) != _outcome(empty.code_for_node, node):
                differ.append(f"{path}: {type(node).__name__}")
    assert differ == []


def _outcome(generate: Callable[[cst.CSTNode], str], node: cst.CSTNode) -> str:
    """The code, or the error (an annotation alone cannot be generated, either way)."""
    try:
        return generate(node)
    except CSTCodegenError as exc:
        return f"error: {exc}"
