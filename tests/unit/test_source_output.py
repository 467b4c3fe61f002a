"""verify_output: what must not be written, judged by CPython, or by LibCST where the project's
grammar is newer than this interpreter's."""

from __future__ import annotations

import sys

import pytest

from backfix.source import verify_output

#: Python 3.14's unparenthesized exception list (PEP 758).
NEWER = b"try:\n    pass\nexcept ValueError, TypeError:\n    pass\n"


def test_a_new_file_only_the_compiler_rejects_is_still_a_codemod_bug() -> None:
    problem = verify_output("svc.py", b"", b"def f():\n    pass\nreturn 1\n")
    assert problem is not None and problem.kind == "codemod-bug"
    assert "'return' outside function" in problem.message


@pytest.mark.skipif(sys.version_info >= (3, 14), reason="this Python parses `except A, B:`")
def test_a_new_file_in_a_newer_grammar_is_judged_by_libcst() -> None:
    assert verify_output("svc.py", b"", NEWER) is None
    problem = verify_output("svc.py", b"", NEWER + b"def (:\n")
    assert problem is not None and problem.kind == "codemod-bug"
    assert "does not parse" in problem.message


def test_an_existing_file_that_compiled_must_still_compile() -> None:
    problem = verify_output("a.py", b"x = 1\n", b"x = (1\n")
    assert problem is not None and problem.kind == "codemod-bug"
