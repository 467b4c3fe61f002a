"""The engine, the session dependency and table creation."""

from collections.abc import Generator

from sqlmodel import Session, SQLModel, create_engine

engine = create_engine("sqlite:///./todo.db")


def create_db_and_tables() -> None:
    SQLModel.metadata.create_all(engine)


def drop_tables() -> None:
    SQLModel.metadata.drop_all(engine)


def get_session() -> Generator[Session, None, None]:
    with Session(engine) as session:
        yield session
