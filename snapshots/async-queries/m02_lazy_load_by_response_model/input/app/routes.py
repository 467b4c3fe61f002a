from fastapi import APIRouter, Depends
from sqlalchemy.ext.asyncio import AsyncSession

from app.crud import find_book, find_book_with_author
from app.db import get_db
from app.models import Book
from app.schemas import BookDetail, BookOut, BookSummary

router = APIRouter()


@router.get("/books/{book_id}", response_model=BookOut)
async def read_book(book_id: int, db: AsyncSession = Depends(get_db)):
    book = db.query(Book).filter(Book.id == book_id).first()
    return book


@router.get("/books/{book_id}/again")
async def read_book_again(book_id: int, db: AsyncSession = Depends(get_db)) -> BookOut:
    return await find_book(db, book_id)


@router.get("/books/{book_id}/loaded", response_model=BookOut)
async def read_loaded_book(book_id: int, db: AsyncSession = Depends(get_db)):
    return await find_book_with_author(db, book_id)


@router.get("/books/{book_id}/summary", response_model=BookSummary)
async def read_summary(book_id: int, db: AsyncSession = Depends(get_db)):
    return db.query(Book).filter(Book.id == book_id).first()


@router.get("/books/{book_id}/detail", response_model=BookDetail)
async def read_detail(book_id: int, db: AsyncSession = Depends(get_db)):
    book = db.query(Book).filter(Book.id == book_id).one()
    return book


@router.get("/books/{book_id}/author-name")
async def read_author_name(book_id: int, db: AsyncSession = Depends(get_db)) -> str:
    book = await find_book_with_author(db, book_id)
    return book.author.name


@router.get("/books/{book_id}/author-name-again")
async def read_author_name_again(book_id: int, db: AsyncSession = Depends(get_db)) -> str:
    book = await find_book(db, book_id)
    return book.author.name
