"""The docstring of a new service method, where the project's linters require one.

The method's name already says what its writes do (``create_job``, ``delete_relay``,
``update_job_status``): the docstring reads it as a sentence in the imperative mood that
pydocstyle's conventions ask for, and says that the method commits, which is why it exists.
"""

from __future__ import annotations

from .method_names import COLLECTION_VERBS, OBJECT_VERBS, READ_VERBS
from .placement import ACTION_VERBS, WRITE_VERBS, singular

#: first words whose subject is a new row: "Create a job"
_CREATING = frozenset({"create", "add", "insert", "register"})
#: first words whose subject is a row that exists: "Delete the relay"
_EXISTING = frozenset({"delete", "remove", "update", "edit", "modify", "save"})
#: first words of a method's name known as verbs: its name reads as a sentence
_KNOWN_VERBS = (
    (ACTION_VERBS | WRITE_VERBS | OBJECT_VERBS | READ_VERBS | set(COLLECTION_VERBS))
    | _CREATING
    | _EXISTING
)


def method_docstring(name: str, verb: str = "", subject: str = "") -> str:
    """``create_job`` → ``Create a job and commit the session.``; a one-word name that is no
    known verb (a route's, ``role``) reads as what the writes do instead, where they say it
    (``verb`` ``update``, ``subject`` ``user``: ``Update the user and commit the session.``)."""
    words = [word for word in name.split("_") if word]
    if (
        len(words) == 1
        and words[0].lower() not in _KNOWN_VERBS
        and (verb in _CREATING or verb in _EXISTING)
        and subject
    ):
        words = [verb, *subject.split("_")]
    if not words:
        return "Write and commit the session."
    # (a numbered name, `update_job_2`, is numbered only to differ from another method's)
    first, rest = words[0].lower(), [word for word in words[1:] if not word.isdigit()]
    article = _article(first, rest)
    phrase = " ".join([first.capitalize(), *([article] if article else []), *rest])
    return f"{phrase} and commit the session."


def _article(verb: str, subject: list[str]) -> str:
    """The article before ``subject`` after ``verb``; "" for none (a plural, an unknown verb)."""
    if not subject or singular(subject[-1]) != subject[-1]:
        return ""
    if verb in _EXISTING:
        return "the"
    if verb in _CREATING:
        vowel = subject[0][0] in "aeiou" and not subject[0].startswith(_SAID_WITH_Y)
        return "an" if vowel else "a"
    return ""


#: vowels that start with the sound of a consonant ("a user", "a unit", "a one-off")
_SAID_WITH_Y = ("use", "usu", "uni", "uti", "one", "euro")
