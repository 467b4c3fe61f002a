"""move-commits: a module named for another layer (``api/apps/models.py``) is no route layer for
the service that imports from it, wherever it sits; and a route named for its resource and the
HTTP method that serves it (``dashboards_post_api``) does not name its unit of work."""

from __future__ import annotations

from pathlib import Path

import pytest
from backfix.builtin_codemods.move_commits.frameworks import named_for_data_layer
from backfix.builtin_codemods.move_commits.method_names import is_meaningful
from testkit import invoke_in, write_files

DB = (
    "from sqlalchemy.orm import Session, declarative_base\n\n"
    "Base = declarative_base()\n\n\n"
    "def get_session():\n"
    "    yield Session()\n"
)
APP_MODELS = (
    "import sqlalchemy as sa\n\n"
    "from app.api.db import Base\n\n\n"
    "class Board(Base):\n"
    "    __tablename__ = 'boards'\n"
    "    uuid = sa.Column(sa.Text, primary_key=True)\n"
    "    panel_id = sa.Column(sa.Text)\n"
)
PANEL_MODELS = (
    APP_MODELS.replace("Board", "Panel")
    .replace("boards", "panels")
    .replace("    panel_id = sa.Column(sa.Text)\n", "    title = sa.Column(sa.Text)\n")
)
VIEWS = (
    "from fastapi import APIRouter, Depends\n"
    "from sqlalchemy.orm import Session\n\n"
    "from app.api.boards.models import Board\n"
    "from app.api.db import get_session\n"
    "from app.api.panels.models import Panel\n\n"
    "router = APIRouter()\n\n\n"
    "@router.post('/')\n"
    "async def panels_post_api(title: str, board_id: str, session: Session = Depends(get_session)):\n"
    "    panel = Panel(title=title)\n"
    "    session.add(panel)\n"
    "    board = session.query(Board).filter(Board.uuid == board_id).first()\n"
    "    if board:\n"
    "        board.panel_id = panel.uuid\n"
    "    session.commit()\n"
    "    return {'id': panel.uuid}\n"
)


def test_the_service_imports_models_that_sit_beside_views(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/api/__init__.py": "",
            "app/api/db.py": DB,
            "app/api/boards/__init__.py": "",
            "app/api/boards/models.py": APP_MODELS,
            "app/api/panels/__init__.py": "",
            "app/api/panels/models.py": PANEL_MODELS,
            "app/api/panels/views.py": VIEWS,
        },
    )
    code, out, _ = invoke_in(tmp_path, "--no-cache", "apply", "move-commits", "--dry-run")
    assert code in (0, 1), out  # 1: the dry run found something to change
    assert "+from app.api.boards.models import Board\n" in out  # in the service module
    assert "Board=Board" not in out
    assert "+    panel = await PanelService.create_panel(title, board_id, session)\n" in out


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("app/api/boards/models.py", True),
        ("app/api/boards/pydantic_models.py", True),
        ("app/views/crud.py", True),
        ("app/api/boards/views.py", False),
        ("app/api/boards/serializers.py", False),
        ("app/views/util.py", False),
        ("app/api/helpers.py", False),
    ],
)
def test_named_for_data_layer(path: str, expected: bool) -> None:
    assert named_for_data_layer(path) is expected


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ("dashboards_post_api", False),
        ("panel_put", False),
        ("create_post", True),
        ("label_post", True),
        ("post_delete", True),
        ("delete_post_comment", True),
        ("publish_post", True),
        ("close_job", True),
        ("get_job", False),
    ],
)
def test_a_route_named_for_its_http_method_names_no_write(route: str, expected: bool) -> None:
    assert is_meaningful(route) is expected
