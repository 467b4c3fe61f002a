from fastapi import APIRouter
from sqlalchemy.orm import Session

from app.models import Shelf

router = APIRouter()


@router.put("/shelves/{shelf_id}")
def relabel_shelf(shelf_id: int, label: str, session: Session) -> Shelf:
    shelf = session.get(Shelf, shelf_id)
    if shelf is None:
        raise LookupError(shelf_id)
    shelf.label = label
    session.commit()
    return shelf


@router.post("/shelves/{shelf_id}/hits")
def count_hit(shelf_id: int, session: Session) -> Shelf:
    shelf = session.get(Shelf, shelf_id)
    assert shelf is not None
    session.commit()
    return shelf


@router.post("/shelves/{shelf_id}/touch")
def touch_shelf(shelf_id: int, session: Session) -> Shelf | None:
    shelf = session.get(Shelf, shelf_id)
    session.commit()
    return shelf
