"""A FastAPI route whose response model reads a relationship still answers after --mode async.

The sync app below serves a book with its author through a nested response model. Converted to
AsyncSession, the author would load lazily while FastAPI serializes the response, outside any
``await``, and fail with ``MissingGreenlet``; the rewrite adds ``selectinload`` to the query. Each
version of the app runs in a subprocess of its own, on the same SQLite file.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from backfix.builtin_codemods.async_queries import AsyncQueries

from backfix.discovery import Workspace
from backfix.runner import CodemodSpec, RunOptions, run

APP = {
    "app/__init__.py": "",
    "app/db.py": """
        from sqlalchemy import create_engine
        from sqlalchemy.orm import sessionmaker

        engine = create_engine("sqlite:///./books.db")
        SessionLocal = sessionmaker(bind=engine)


        def get_db():
            with SessionLocal() as db:
                yield db
    """,
    "app/models.py": """
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


        class Base(DeclarativeBase):
            pass


        class Author(Base):
            __tablename__ = "authors"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str]


        class Book(Base):
            __tablename__ = "books"
            id: Mapped[int] = mapped_column(primary_key=True)
            title: Mapped[str]
            author_id: Mapped[int] = mapped_column(ForeignKey("authors.id"))
            author = relationship("Author")
    """,
    "app/main.py": """
        from fastapi import Depends, FastAPI
        from pydantic import BaseModel, ConfigDict
        from sqlalchemy.orm import Session

        from app.db import get_db
        from app.models import Book


        class AuthorOut(BaseModel):
            model_config = ConfigDict(from_attributes=True)
            name: str


        class BookOut(BaseModel):
            model_config = ConfigDict(from_attributes=True)
            title: str
            author: AuthorOut


        app = FastAPI()


        @app.get("/books/{book_id}", response_model=BookOut)
        def read_book(book_id: int, db: Session = Depends(get_db)):
            book = db.query(Book).filter(Book.id == book_id).first()
            return book
    """,
}

CLIENT = """
import sqlite3
import warnings

warnings.simplefilter("ignore")
with sqlite3.connect("books.db") as connection:
    connection.executescript(
        "drop table if exists books; drop table if exists authors;"
        "create table authors (id integer primary key, name text);"
        "create table books (id integer primary key, title text, author_id integer);"
        "insert into authors values (1, 'Ann'); insert into books values (1, 'Tides', 1);"
    )
from fastapi.testclient import TestClient

from app.main import app

with TestClient(app) as client:
    print(client.get("/books/1").json())
"""


def _serve(root: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", CLIENT], cwd=root, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_converted_route_serves_the_nested_relationship(tmp_path: Path) -> None:
    for rel, text in APP.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(textwrap.dedent(text).lstrip())
    before = _serve(tmp_path)
    result = run(
        Workspace(root=tmp_path),
        RunOptions(
            specs=[CodemodSpec(AsyncQueries, "async-queries", (("mode", "async"),))],
            paths=[tmp_path / "app"],
            apply=True,
            jobs=1,
        ),
    )
    assert not result.errors and not result.manual, [v.reason for v in result.manual]
    for change in result.changes:
        (tmp_path / change.path).write_bytes(change.after)
    assert "selectinload(Book.author)" in (tmp_path / "app/main.py").read_text()
    assert _serve(tmp_path) == before == "{'title': 'Tides', 'author': {'name': 'Ann'}}"
