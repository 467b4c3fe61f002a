"""ast_utils.last_name reads an `ast` expression as cst_utils.last_name reads the LibCST one."""

from __future__ import annotations

import ast

import libcst as cst
import pytest

from backfix import ast_utils, cst_utils

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
