"""bare-except takes out of the ``except`` line's suppression comment only what the fix makes
stale."""

from __future__ import annotations

import pytest
from backfix.builtin_codemods.bare_except.suppressions import without_bare_except_codes


def test_a_handler_that_re_raises_is_no_broad_except_to_pylint() -> None:
    assert without_bare_except_codes("# pylint: disable=bare-except", broad=False) is None


@pytest.mark.parametrize(
    ("comment", "logged", "expected"),
    [
        ("# noqa: E722", False, None),
        ("# noqa: E722, S110", False, "# noqa: S110"),
        ("# noqa: E722, S110", True, None),
        ("# noqa:E722,S101  why", False, "# noqa:S101  why"),
        ("# noqa: E722 - catch all", False, "# catch all"),
        ("# noqa: E722  # pylint: disable=bare-except,broad-except", False,
         "# pylint: disable=broad-except"),
        # pylint reports `except Exception:` as broad-except: the project that runs it silences that
        ("# pylint: disable=W0702", False, "# pylint: disable=broad-except"),
        ("# pylint: disable=bare-except", True, "# pylint: disable=broad-except"),
        ("# pylint: disable=bare-except,broad-exception-caught", False,
         "# pylint: disable=broad-exception-caught"),
        ("# noqa", False, "# noqa"),  # a blanket noqa may silence anything
        ("# noqa: S110", False, "# noqa: S110"),
        ("# the E722 check", False, "# the E722 check"),
    ],
)  # fmt: skip
def test_only_the_stale_codes_go(comment: str, logged: bool, expected: str | None) -> None:
    assert without_bare_except_codes(comment, logged) == expected
