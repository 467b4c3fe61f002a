from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from api.database import get_db
from api.models import Item
from api.schemas import ItemIn
from api.services.item_service import ItemService

router = APIRouter(prefix="/items")


@router.post("/", status_code=201)
def create_item(item_in: ItemIn, db: Session = Depends(get_db)):
    item = ItemService.create_item(item_in, db)
    return item


@router.patch("/{item_id}")
def rename_item(item_id: int, name: str, db: Session = Depends(get_db)):
    item = db.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="not found")
    ItemService.rename_item(item, name, db)
    return item
