from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from app.models import Book


async def find_book(db: AsyncSession, book_id: int) -> Book | None:
    return (await db.execute(select(Book).where(Book.id == book_id))).scalars().first()


async def find_book_with_author(db: AsyncSession, book_id: int) -> Book | None:
    query = select(Book).where(Book.id == book_id).options(selectinload(Book.author))
    return (await db.execute(query)).scalars().first()
