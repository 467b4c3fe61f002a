"""The docstring of a new service method, where the project's linters require one.

The method's name already says what its writes do (``create_job``, ``delete_relay``,
``update_job_status``): the docstring reads it as a sentence in the imperative mood that
pydocstyle's conventions ask for, and says that the method commits, which is why it exists.
"""

from __future__ import annotations

from .placement import singular

#: first words whose subject is a new row: "Create a job"
_CREATING = frozenset({"create", "add", "insert", "register"})
#: first words whose subject is a row that exists: "Delete the relay"
_EXISTING = frozenset({"delete", "remove", "update", "edit", "modify"})


def method_docstring(name: str) -> str:
    """``create_job`` → ``Create a job and commit the session.``"""
    words = [word for word in name.split("_") if word]
    if not words:
        return "Write and commit the session."
    # (a numbered name, `update_job_2`, is numbered only to differ from another method's)
    verb, subject = words[0].lower(), [word for word in words[1:] if not word.isdigit()]
    article = _article(verb, subject)
    phrase = " ".join([verb.capitalize(), *([article] if article else []), *subject])
    return f"{phrase} and commit the session."


def _article(verb: str, subject: list[str]) -> str:
    """The article before ``subject`` after ``verb``; "" for none (a plural, an unknown verb)."""
    if not subject or singular(subject[-1]) != subject[-1]:
        return ""
    if verb in _EXISTING:
        return "the"
    if verb in _CREATING:
        return "an" if subject[0][0] in "aeiou" else "a"
    return ""
