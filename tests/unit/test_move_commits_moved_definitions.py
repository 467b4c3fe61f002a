"""Definitions of a route module that move into a service are named in a note."""

from __future__ import annotations

from pathlib import Path

from testkit import apply_in_process

ROUTES = """\
from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy.orm import Session

from shop.models import Shelf

router = APIRouter()


class ShelfIn(BaseModel):
    label: str


@router.post("/shelves")
def create_shelf(shelf_in: ShelfIn, session: Session) -> int:
    shelf = Shelf(label=shelf_in.label)
    session.add(shelf)
    session.commit()
    return shelf.id
"""
MODELS = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Shelf(Base):
    __tablename__ = "shelves"
    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str]
"""


def test_a_request_schema_that_moves_with_the_unit_is_named_in_a_note(tmp_path: Path) -> None:
    """The FastAPI template's ``PrivateUserCreate`` moved into the new service module, which
    the route then imported it from, and nothing said so: a reviewer may want it in a module
    of schemas."""
    files = {
        "shop/__init__.py": "",
        "shop/models.py": MODELS,
        "shop/api/__init__.py": "",
        "shop/api/routes.py": ROUTES,
    }
    result = apply_in_process(tmp_path, "move-commits", files)
    assert len(result.fixed) == 1 and not result.violations
    (note,) = [n for n in result.notes if "moved from" in n]
    assert note.startswith(
        "move-commits: `ShelfIn` moved from shop/api/routes.py into shop.services.shop_service "
        "with the code that reads it, and the route imports it from there"
    )


LOGGED = """\
import logging

from fastapi import APIRouter
from sqlalchemy.orm import Session

from shop.models import Shelf

router = APIRouter()
logger = logging.getLogger(__name__)


def relabel(shelf: Shelf, label: str) -> None:
    logger.debug("relabel %s", shelf.id)
    shelf.label = label


@router.post("/shelves/{shelf_id}")
def rename_shelf(shelf_id: int, label: str, session: Session) -> int:
    shelf = session.get(Shelf, shelf_id)
    relabel(shelf, label)
    logger.info("renamed %s", shelf_id)
    session.commit()
    return shelf_id
"""


def test_the_module_logger_is_made_again_in_the_service(tmp_path: Path) -> None:
    """mwdb: ``logger`` became a parameter of the service method, and a helper that logged was
    handed over as one. The service makes its own logger as the route module does, the route
    keeps its own, and a note says the records are named after the service module now."""
    files = {
        "shop/__init__.py": "",
        "shop/models.py": MODELS,
        "shop/api/__init__.py": "",
        "shop/api/routes.py": LOGGED,
    }
    result = apply_in_process(tmp_path, "move-commits", files)
    assert len(result.fixed) == 1 and not result.violations
    after = {c.path: c.after.decode() for c in result.changes if c.after is not None}
    service = after["shop/services/shop_service.py"]
    assert "\nlogger = logging.getLogger(__name__)\n" in service
    assert "\ndef relabel(shelf: Shelf, label: str) -> None:\n" in service
    assert "logger" not in service.split("def rename_shelf(")[1].split(")")[0]
    route = after["shop/api/routes.py"]
    assert "\nlogger = logging.getLogger(__name__)\n" in route
    assert "ShopService.rename_shelf(shelf_id, label, session)" in route.replace("\n", " ")
    (note,) = [n for n in result.notes if "loggers of their own" in n]
    assert "shop/api/routes.py" in note
