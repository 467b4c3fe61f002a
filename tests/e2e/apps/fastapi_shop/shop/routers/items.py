from fastapi import APIRouter, Depends, HTTPException
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shop.database import get_db
from shop.models import Item

router = APIRouter(prefix="/items")


class ItemIn(BaseModel):
    name: str
    price: int
    stock: int = 0


def serialize(item: Item) -> dict[str, object]:
    return {"id": item.id, "name": item.name, "price": item.price, "stock": item.stock}


@router.get("")
def list_items(db: Session = Depends(get_db)):
    return [serialize(item) for item in db.scalars(select(Item).order_by(Item.id))]


@router.post("", status_code=201)
def create_item(item_in: ItemIn, db: Session = Depends(get_db)):
    item = Item(name=item_in.name, price=item_in.price, stock=item_in.stock)
    try:
        db.add(item)
        db.commit()
    except IntegrityError:
        db.rollback()
        raise HTTPException(status_code=409, detail="item exists")
    return serialize(item)


@router.patch("/{item_id}/price")
def reprice_item(item_id: int, price: int, db: Session = Depends(get_db)):
    item = db.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="not found")
    if price <= 0:
        raise HTTPException(status_code=422, detail="price must be positive")
    item.price = price
    db.commit()
    return serialize(item)


@router.post("/restock")
def restock(amounts: dict[str, int], db: Session = Depends(get_db)):
    restocked = []
    for name, amount in amounts.items():
        item = db.scalars(select(Item).where(Item.name == name)).first()
        if item is None:
            continue
        item.stock += amount
        db.commit()
        restocked.append(name)
    return {"restocked": restocked}


@router.delete("/{item_id}", status_code=204)
def delete_item(item_id: int, db: Session = Depends(get_db)):
    item = db.get(Item, item_id)
    if item is None:
        raise HTTPException(status_code=404, detail="not found")
    db.delete(item)
    db.commit()
