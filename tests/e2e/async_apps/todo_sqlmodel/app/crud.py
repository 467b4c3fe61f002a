"""Reads and writes, with SQLModel's `session.exec`."""

from sqlmodel import Session, col, select

from app.models import Todo, TodoCreate


def list_todos(session: Session, done: bool | None = None) -> list[Todo]:
    statement = select(Todo).order_by(col(Todo.priority).desc(), col(Todo.id))
    if done is not None:
        statement = statement.where(Todo.done == done)
    return list(session.exec(statement).all())


def create_todo(session: Session, data: TodoCreate) -> Todo:
    todo = Todo.model_validate(data)
    session.add(todo)
    session.commit()
    session.refresh(todo)
    return todo


def finish(session: Session, todo_id: int) -> Todo | None:
    todo = session.get(Todo, todo_id)
    if todo is None:
        return None
    todo.done = True
    session.add(todo)
    session.commit()
    session.refresh(todo)
    return todo


def delete_todo(session: Session, todo_id: int) -> bool:
    todo = session.exec(select(Todo).where(Todo.id == todo_id)).first()
    if todo is None:
        return False
    session.delete(todo)
    session.commit()
    return True
