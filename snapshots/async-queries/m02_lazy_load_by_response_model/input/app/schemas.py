from pydantic import BaseModel


class AuthorOut(BaseModel):
    id: int
    name: str


class TagOut(BaseModel):
    label: str


class BookOut(BaseModel):
    id: int
    title: str
    author: AuthorOut
    tags: list[TagOut]


class BookSummary(BaseModel):
    id: int
    # a plain string, not the relationship's object: FastAPI does not load it
    books: str = ""


class BookTitle(BaseModel):
    title: str


class AuthorWithBooks(BaseModel):
    name: str
    books: list[BookTitle]


class BookDetail(BaseModel):
    title: str
    author: AuthorWithBooks
