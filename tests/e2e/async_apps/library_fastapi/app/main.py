"""The FastAPI application: tables are created and seeded by the lifespan."""

from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from pydantic import BaseModel
from sqlalchemy.orm import Session

from app.database import SessionLocal, engine, get_db
from app.models import Author, Base, Book
from app.repository import BookRepository, author_exists


def init_db():
    Base.metadata.create_all(bind=engine)


@asynccontextmanager
async def lifespan(app: FastAPI):
    init_db()
    with SessionLocal() as session:
        if session.query(Author).count() == 0:
            session.add_all(
                [
                    Author(id=1, name="Le Guin"),
                    Author(id=2, name="Calvino"),
                    Book(id=1, title="The Dispossessed", year=1974, author_id=1),
                    Book(id=2, title="Invisible Cities", year=1972, author_id=2),
                    Book(id=3, title="A Wizard of Earthsea", year=1968, author_id=1),
                ]
            )
            session.commit()
    yield
    Base.metadata.drop_all(bind=engine)


app = FastAPI(lifespan=lifespan)
DbSession = Annotated[Session, Depends(get_db)]


class BookIn(BaseModel):
    title: str
    year: int
    author_id: int


def book_json(book):
    return {"id": book.id, "title": book.title, "year": book.year}


@app.get("/books")
def list_books(db: DbSession):
    return [book_json(b) for b in BookRepository(db).list_books()]


@app.get("/books/{book_id}")
def read_book(book_id: int, db: Session = Depends(get_db)):
    book = BookRepository(db).get(book_id)
    if book is None:
        raise HTTPException(status_code=404, detail="no such book")
    return book_json(book)


@app.get("/authors/{author_id}/books")
def author_books(author_id: int, db: DbSession):
    if not author_exists(db, author_id):
        raise HTTPException(status_code=404, detail="no such author")
    return [b.title for b in BookRepository(db).by_author(author_id)]


@app.post("/books", status_code=201)
def create_book(payload: BookIn, db: DbSession):
    if not author_exists(db, payload.author_id):
        raise HTTPException(status_code=422, detail="unknown author")
    book = BookRepository(db).add(payload.title, payload.year, payload.author_id)
    return book_json(book)


@app.get("/stats")
def stats(db: DbSession):
    return {"books": BookRepository(db).count(), "first": db.get(Book, 1).title}
