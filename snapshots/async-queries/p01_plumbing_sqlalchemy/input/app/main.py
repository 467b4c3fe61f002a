from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session

from app.database import engine, get_db
from app.models import Base, Item


@asynccontextmanager
async def lifespan(app: FastAPI):
    Base.metadata.create_all(bind=engine)
    yield


app = FastAPI(lifespan=lifespan)


@app.get("/items")
def list_items(db: Session = Depends(get_db)):
    return db.query(Item).order_by(Item.id).all()
