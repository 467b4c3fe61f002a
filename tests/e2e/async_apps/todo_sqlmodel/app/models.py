"""Todo lists and their items."""

from sqlmodel import Field, SQLModel


class Todo(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
    done: bool = False
    priority: int = 0


class TodoCreate(SQLModel):
    title: str
    priority: int = 0
