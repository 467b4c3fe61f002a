from fastapi import Depends, FastAPI

from app.database import get_db
from app.models import Item

app = FastAPI()


@app.get("/items")
def list_items(db=Depends(get_db)):
    return db.query(Item).order_by(Item.id).all()


@app.get("/items/{item_id}")
def read_item(item_id: int, db=Depends(get_db)):
    item = db.query(Item).filter(Item.id == item_id).first()
    return {"id": item.id} if item else None
