"""ast_utils.last_name reads an `ast` expression as cst_utils.last_name reads the LibCST one;
ast_utils.child_fields reach the children ``ast.iter_child_nodes`` yields;
ast_utils.normalized_identifiers answers as its word pattern alone does;
ast_utils.yields answers as cst_walk.yields for the same function body."""

from __future__ import annotations

import ast
import unicodedata
from pathlib import Path

import libcst as cst
import pytest
from testkit import repository_sources, write_webapp_corpus

from backfix import ast_utils, cst_utils, cst_walk

EXPRESSIONS = [
    "name",
    "a.b.c",
    "f(x)",
    "a.b(x)(y)",
    "Repo[Job]",
    "Repo[Job]()",
    "pkg.Repo[Job].attr",
    "(lambda: 1)()",
    "items[0].name",
    "'text'.join(parts)",
    "x + y",
]


@pytest.mark.parametrize("code", EXPRESSIONS)
@pytest.mark.parametrize("through_subscript", [True, False])
def test_last_name_matches_the_libcst_helper(code: str, through_subscript: bool) -> None:
    tree = ast.parse(code, mode="eval").body
    node = cst.parse_expression(code)
    assert ast_utils.last_name(tree, through_subscript=through_subscript) == cst_utils.last_name(
        node, through_subscript=through_subscript
    )


# --- child_fields ---------------------------------------------------------------------------------

#: what ``child_fields`` leaves out of ``ast.iter_child_nodes``
_LEAVES = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def _children_by_fields(node: ast.AST) -> list[ast.AST]:
    found: list[ast.AST] = []
    for name in ast_utils.child_fields(type(node)):
        value = getattr(node, name, None)
        items = value if isinstance(value, list) else [value]
        found.extend(item for item in items if isinstance(item, ast.AST))
    return found


def _sample_trees() -> list[ast.Module]:
    trees = []
    for text in repository_sources().values():
        try:
            trees.append(ast.parse(text))
        except SyntaxError:
            continue
    return trees


def test_child_fields_reach_every_child_but_contexts_and_operators(tmp_path: Path) -> None:
    write_webapp_corpus(tmp_path, seed=3, resources=4)
    trees = _sample_trees() + [ast.parse(p.read_bytes()) for p in sorted(tmp_path.rglob("*.py"))]
    compared = 0
    for tree in trees:
        for node in ast.walk(tree):
            expected = [c for c in ast.iter_child_nodes(node) if not isinstance(c, _LEAVES)]
            assert _children_by_fields(node) == expected, ast.dump(node)[:200]
            compared += 1
    assert compared > 10_000


# --- normalized_identifiers -----------------------------------------------------------------------


def _words_normalized(text: str) -> bool:
    """``normalized_identifiers`` without its first search for a word character outside ASCII."""
    return any(
        word.isidentifier() and not unicodedata.is_normalized("NFKC", word)
        for word in ast_utils._NON_ASCII_WORD.findall(text)
    )


NON_ASCII = [
    "x = 1  # caf\u00e9 \u2014 ok \U0001f600\n",
    "\ufb01le = open(path)\n",  # the ligature: NFKC makes it `file`
    "s = '\ufb01'\n",
    "name = '\u00e9t\u00e9'  # \u2603\n",
    "x = '\u2160'\n",  # a Roman numeral: a letter that NFKC changes
    "\u2160 = 1\n",
    "print('\u201cquoted\u201d \u2192 \u00d7 \u00b2')\n",
    "x\u00b2 = 1\n",
    "a\u0301 = 1\n",  # a combining accent inside a word
    "",
]


def test_normalized_identifiers_answer_as_the_word_pattern() -> None:
    texts = NON_ASCII + list(repository_sources().values())
    assert any(ast_utils.normalized_identifiers(text) for text in NON_ASCII)
    for text in texts:
        assert ast_utils.normalized_identifiers(text) == _words_normalized(text), text[:200]


BODIES = {
    "def f():\n    yield 1\n": True,
    "def f():\n    x = yield from g()\n": True,
    "def f():\n    if x:\n        return [(yield)]\n": True,
    "def f():\n    def g():\n        yield 1\n    return g\n": False,
    "def f():\n    return lambda: (yield)\n": False,
    "def f():\n    class C:\n        def m(self):\n            yield 1\n": False,
    "def f():\n    return [x for x in y]\n": False,
}


@pytest.mark.parametrize(("code", "expected"), BODIES.items())
def test_yields_of_a_function_body_own_its_yields_only(code: str, expected: bool) -> None:
    function = ast.parse(code).body[0]
    assert isinstance(function, ast.FunctionDef)
    assert ast_utils.yields(function.body) is expected
    node = cst.parse_module(code).body[0]
    assert isinstance(node, cst.FunctionDef)
    assert cst_walk.yields(node.body) is expected
