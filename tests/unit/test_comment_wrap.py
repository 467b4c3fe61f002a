"""Comments of moved code rewrapped to the line length at their new indentation."""

from __future__ import annotations

import libcst as cst

from backfix.comment_wrap import rewrap_comments


def _code(statement: str, column: int, line_length: int = 40) -> str:
    node = cst.parse_statement(statement)
    rewrapped = rewrap_comments(node, column, line_length)
    return cst.Module([]).code_for_node(rewrapped)


def test_a_paragraph_that_passes_the_line_length_deeper_is_rewrapped_whole() -> None:
    statement = "# one two three four five six seven\n# eight nine\nx = 1\n"
    assert _code(statement, 8) == ("# one two three four five six\n# seven eight nine\nx = 1\n")


def test_comments_that_fit_directives_and_blank_separated_paragraphs() -> None:
    statement = "# short\n\n# type: ignore[attr-defined] and a long tail here\nx = 1\n"
    assert _code(statement, 8) == statement


def test_comments_in_nested_blocks_count_their_own_indentation() -> None:
    statement = "if x:\n    # one two three four five six\n    y = 1\n"
    assert _code(statement, 0) == statement  # 4 + 29 columns: fits in 40
    assert _code(statement, 8) == "if x:\n    # one two three four five\n    # six\n    y = 1\n"


def test_a_comment_that_did_not_fit_where_it_was_is_kept() -> None:
    """A project that lets its comments run long keeps them long: only the move's overflow is
    rewrapped."""
    statement = "# one two three four five six seven eight nine\nx = 1\n"
    node = cst.parse_statement(statement)
    kept = rewrap_comments(node, 8, 40, old_column=4)
    assert cst.Module([]).code_for_node(kept) == statement
    fitted = cst.parse_statement("# one two three four five six seven\nx = 1\n")
    moved = rewrap_comments(fitted, 8, 40, old_column=0)
    assert cst.Module([]).code_for_node(moved).startswith("# one two three four five six\n")
