from fastapi import Depends, FastAPI
from sqlalchemy import select

from app.database import get_db
from app.models import Item

app = FastAPI()


@app.get("/items")
async def list_items(db=Depends(get_db)):
    return (await db.scalars(select(Item).order_by(Item.id))).all()


@app.get("/items/{item_id}")
async def read_item(item_id: int, db=Depends(get_db)):
    item = (await db.scalars(select(Item).where(Item.id == item_id).limit(1))).first()
    return {"id": item.id} if item else None
