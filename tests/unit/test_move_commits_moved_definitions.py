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
