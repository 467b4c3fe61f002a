"""move-commits' ``code_of`` reads plain names and calls without code generation, and gives the same
text."""

from __future__ import annotations

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits.frameworks import iter_nodes
from backfix.builtin_codemods.move_commits.syntax import code_of

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
