"""move-commits' one walk over a module finds what separate walks over it found."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits.frameworks import iter_nodes
from backfix.builtin_codemods.move_commits.module_nodes import Subtrees, walk_module
from libcst.metadata import MetadataWrapper, ParentNodeProvider

from backfix.cst_walk import is_token

ROOT = Path(__file__).resolve().parents[2]

#: functions, calls and imports at every depth.
SHAPES = """\
from . import views
from .models import db
import os


@bp.route("/a", methods=["POST"])
def create():
    def inner():
        return helper(lambda: db.session.commit())()

    class Local:
        def method(self):
            return [f(x) for x in g()]

    from ..services import job_service

    db.session.commit()
    return inner()


class View(MethodView):
    decorators = [auth.login_required()]

    async def post(self):
        await db.commit()


app.add_url_rule("/b", view_func=View.as_view("b"))
"""


def _walked(node: cst.CSTNode, *, into_scopes: bool = True) -> list[cst.CSTNode]:
    """What the walks list: every node :func:`iter_nodes` yields but tokens."""
    return [n for n in iter_nodes(node, into_scopes=into_scopes) if not is_token(type(n))]


def _sources() -> list[str]:
    inputs = sorted((ROOT / "snapshots").glob("move-commits/*/input/**/*.py"))
    return [SHAPES, "import os\n", *(p.read_text(encoding="utf-8") for p in inputs)]


@pytest.mark.parametrize("source", _sources())
def test_one_walk_finds_what_separate_walks_find(source: str) -> None:
    module = cst.parse_module(source)
    found = walk_module(module)
    preorder = list(iter_nodes(module))
    assert found.calls == [n for n in preorder if isinstance(n, cst.Call)]
    assert found.functions == [n for n in preorder if isinstance(n, cst.FunctionDef)]
    assert found.relative_level == max(
        (len(n.relative) for n in preorder if isinstance(n, cst.ImportFrom)), default=0
    )
    every = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ParentNodeProvider)
    expected = {node: parent for node, parent in every.items() if not is_token(type(node))}
    assert len(found.parents) == len(expected)
    assert all(found.parents[id(node)] is parent for node, parent in expected.items())


def test_a_module_without_relative_imports() -> None:
    found = walk_module(
        cst.parse_module("from app import db\n\ndef f():\n    db.session.commit()\n")
    )
    assert found.relative_level == 0
    assert [f.name.value for f in found.functions] == ["f"]
    assert len(found.calls) == 1


@pytest.mark.parametrize("source", _sources())
def test_subtrees_list_what_a_walk_yields(source: str) -> None:
    module = cst.parse_module(source)
    preorder = _walked(module)
    # Inner nodes first, then the module: every node is looked up in a walk made for one of its
    # descendants, for itself, and (after the module's walk) in the module's walk.
    subtrees = Subtrees()
    for node in [*reversed(preorder), *preorder]:
        for into_scopes in (True, False):
            expected = _walked(node, into_scopes=into_scopes)
            assert subtrees.subtree(node, into_scopes=into_scopes) == expected


def test_subtrees_of_a_node_from_another_tree() -> None:
    subtrees = Subtrees()
    first = cst.parse_module("def f():\n    return g(1)\n")
    subtrees.subtree(first)
    other = cst.parse_module("class C:\n    def m(self):\n        x = 1\n")
    for node in _walked(other):
        assert subtrees.subtree(node, into_scopes=False) == _walked(node, into_scopes=False)


@pytest.mark.parametrize("source", _sources())
def test_the_module_walk_lists_every_subtree(source: str) -> None:
    module = cst.parse_module(source)
    subtrees = walk_module(module).subtrees
    walked = len(subtrees.order)
    for node in _walked(module):
        for into_scopes in (True, False):
            expected = _walked(node, into_scopes=into_scopes)
            assert subtrees.subtree(node, into_scopes=into_scopes) == expected
    assert len(subtrees.order) == walked  # (read from the module's walk, none walked again)
