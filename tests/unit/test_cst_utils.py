"""The shared CST helpers: what name an expression spells."""

import libcst as cst
import pytest

from backfix.cst_utils import dotted, last_name


@pytest.mark.parametrize(
    ("code", "expected"),
    [("a", "a"), ("a.b.c", "a.b.c"), ("a().b", ""), ("a[0].b", ""), ("1", "")],
)
def test_dotted(code: str, expected: str) -> None:
    assert dotted(cst.parse_expression(code)) == expected


def test_dotted_of_nothing() -> None:
    assert dotted(None) == ""


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("a", "a"),
        ("a.b", "b"),
        ("f(x)", "f"),
        ("a.f(x)(y)", "f"),
        ("Repo[Job]", "Repo"),
        ("handlers[0](x)", "handlers"),
        ("1", ""),
    ],
)
def test_last_name(code: str, expected: str) -> None:
    assert last_name(cst.parse_expression(code)) == expected


@pytest.mark.parametrize(
    ("code", "expected"), [("Repo[Job]", ""), ("h[0](x)", ""), ("a.f(x)", "f")]
)
def test_last_name_without_subscripts(code: str, expected: str) -> None:
    assert last_name(cst.parse_expression(code), through_subscript=False) == expected
