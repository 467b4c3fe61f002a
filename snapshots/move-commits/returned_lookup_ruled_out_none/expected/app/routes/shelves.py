from fastapi import APIRouter
from sqlalchemy.orm import Session

from app.models import Shelf
from app.services.shelf_service import ShelfService

router = APIRouter()


@router.put("/shelves/{shelf_id}")
def relabel_shelf(shelf_id: int, label: str, session: Session) -> Shelf:
    shelf = ShelfService.relabel_shelf(shelf_id, label, session)
    return shelf


@router.post("/shelves/{shelf_id}/hits")
def count_hit(shelf_id: int, session: Session) -> Shelf:
    shelf = ShelfService.count_hit(shelf_id, session)
    return shelf


@router.post("/shelves/{shelf_id}/touch")
def touch_shelf(shelf_id: int, session: Session) -> Shelf | None:
    shelf = ShelfService.touch_shelf(shelf_id, session)
    return shelf
