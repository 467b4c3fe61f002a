"""move-commits: the names of the parameters that carry request values into a service method."""

from __future__ import annotations

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits.naming import suggest_name


@pytest.mark.parametrize(
    ("read", "root", "name"),
    [
        ('request.form.get("title")', "request", "title"),
        ('request.form["firstName"]', "request", "first_name"),
        # a form field or header whose words hyphens join: named by its words, not `form`
        ('request.form.get("alias-name")', "request", "alias_name"),
        ('request.form["spf-status"]', "request", "spf_status"),
        ('request.headers.get("X-Request-Id")', "request", "x_request_id"),
        # a key that is no words at all is still named by where it is read
        ('request.form.get("2fa code")', "request", "form"),
        ('request.form.get("-x")', "request", "form"),
    ],
)
def test_a_request_read_is_named_by_its_key(read: str, root: str, name: str) -> None:
    assert suggest_name(cst.parse_expression(read), root) == name
