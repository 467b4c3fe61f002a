"""The header of a hunk of a file a change only adds or edits as a consequence."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from backfix.review_cli import _label


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
