"""Routes; the lifespan creates the tables and drops them at shutdown."""

from contextlib import asynccontextmanager
from typing import Annotated

from fastapi import Depends, FastAPI, HTTPException
from sqlmodel import Session

from app import crud
from app.db import create_db_and_tables, drop_tables, get_session
from app.models import Todo, TodoCreate

SessionDep = Annotated[Session, Depends(get_session)]


@asynccontextmanager
async def lifespan(app: FastAPI):
    create_db_and_tables()
    yield
    drop_tables()


app = FastAPI(lifespan=lifespan)


@app.get("/todos")
def read_todos(session: SessionDep, done: bool | None = None) -> list[Todo]:
    return crud.list_todos(session, done)


@app.post("/todos", status_code=201)
def add_todo(data: TodoCreate, session: SessionDep) -> Todo:
    return crud.create_todo(session, data)


@app.post("/todos/{todo_id}/done")
def mark_done(todo_id: int, session: SessionDep) -> Todo:
    todo = crud.finish(session, todo_id)
    if todo is None:
        raise HTTPException(status_code=404, detail="no such todo")
    return todo


@app.delete("/todos/{todo_id}", status_code=204)
def remove(todo_id: int, session: SessionDep) -> None:
    if not crud.delete_todo(session, todo_id):
        raise HTTPException(status_code=404, detail="no such todo")
