"""Data access, still on the legacy Query API."""

from sqlalchemy.orm import Session

from app.models import Author, Book


class BookRepository:
    def __init__(self, db: Session):
        self.db = db

    def list_books(self):
        return self.db.query(Book).order_by(Book.id).all()

    def get(self, book_id):
        return self.db.query(Book).filter(Book.id == book_id).first()

    def by_author(self, author_id):
        return self.db.query(Book).filter_by(author_id=author_id).order_by(Book.year).all()

    def count(self):
        return self.db.query(Book).count()

    def add(self, title, year, author_id):
        book = Book(title=title, year=year, author_id=author_id)
        self.db.add(book)
        self.db.commit()
        self.db.refresh(book)
        return book


def author_exists(db: Session, author_id: int) -> bool:
    return db.query(Author).filter(Author.id == author_id).first() is not None
