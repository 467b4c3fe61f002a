"""The header of a hunk of a file a change only adds or edits as a consequence."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from backfix.review import Hunk
from backfix.review_cli import _label, _touches


def _change(*paths: str) -> Any:
    violations = [SimpleNamespace(path=p, line=3) for p in paths]
    return SimpleNamespace(
        tier="review",
        codemod="move-commits",
        violations=violations,
        files=sorted({*paths, "app/services/note_service.py"}),
    )


def test_a_service_written_for_several_routes_names_them_all() -> None:
    change = _change("app/api/notes.py", "app/views/notes.py")
    label = _label(change, "app/services/note_service.py", 0, 10)
    assert label == "[review] move-commits with app/api/notes.py, app/views/notes.py"


def test_many_route_files_are_counted() -> None:
    change = _change(*(f"app/views/m{i}.py" for i in range(5)))
    label = _label(change, "app/services/note_service.py", 0, 10)
    assert label.endswith("with app/views/m0.py, app/views/m1.py and 3 more")


def test_methods_appended_to_an_existing_module_are_labelled() -> None:
    """Lines inserted after the last line of an existing service module: the diff's hunk shows
    the three lines before them (old lines 10-12) and is the change's."""
    change = SimpleNamespace(all_hunks=[Hunk("app/services/note_service.py", 12, 12, [b"x\n"])])
    assert _touches(change, "app/services/note_service.py", 9, 12)
    assert not _touches(change, "app/services/note_service.py", 20, 25)
