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


def test_kept_statements_hand_removed_lines_to_the_next_statement() -> None:
    """A removed statement's blank line and comment go to the next kept one, which has none of its
    own; a module's new first statement does not open the file with a blank line."""
    from backfix.cst_utils import kept_statements

    module = cst.parse_module(
        "import os\n\n# models\nfrom app import Old\nfrom app import Job\n\nx = 1\n"
    )
    pairs = [
        (s, None if module.code_for_node(s).strip().endswith("Old") else s) for s in module.body
    ]
    kept = module.with_changes(body=kept_statements(pairs, top=True))
    assert kept.code == "import os\n\n# models\nfrom app import Job\n\nx = 1\n"
    first = [(s, None if i == 0 else s) for i, s in enumerate(module.body)]
    assert module.with_changes(body=kept_statements(first, top=True)).code.startswith(
        "# models\nfrom app import Old\n"
    )
