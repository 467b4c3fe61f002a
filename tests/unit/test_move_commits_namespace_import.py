"""move-commits: the service import of a route module in a namespace folder inside a package."""

from __future__ import annotations

from pathlib import Path

from testkit import apply_in_process

VIEWS = """\
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from shop.db import get_db
from shop.models import Note

router = APIRouter()


@router.post("/notes/{note_id}/pin")
def pin_note(note_id: int, db_session: Session = Depends(get_db)):
    note = db_session.get(Note, note_id)
    note.pinned = True
    db_session.commit()
    return {"ok": True}
"""


def test_the_service_is_imported_through_the_package_not_the_src_folder(tmp_path: Path) -> None:
    """``src/shop/plugins/chat/`` has no ``__init__.py`` but ``shop`` and ``shop/plugins`` do:
    Python imports the folder as ``shop.plugins.chat``, and ``src.shop...`` would load the
    modules a second time (or not at all, once installed)."""
    files = {
        "src/shop/__init__.py": "",
        "src/shop/db.py": "def get_db():\n    ...\n",
        "src/shop/models.py": "class Note:\n    pinned = False\n",
        "src/shop/plugins/__init__.py": "",
        "src/shop/plugins/chat/views.py": VIEWS,
    }
    result = apply_in_process(tmp_path, "move-commits", files, "src/shop")
    assert [v.reason for v in result.violations] == []
    after = {c.path: c.after.decode() for c in result.changes}
    route = after["src/shop/plugins/chat/views.py"]
    imports = [line for line in route.splitlines() if "import ChatService" in line]
    assert imports == ["from shop.plugins.services.chat_service import ChatService"]
