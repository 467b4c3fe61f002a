from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from notes.models import Base


class _State:
    factory: sessionmaker[Session] | None = None


def configure(path: str) -> None:
    """Point the engine at one SQLite file and create the tables."""
    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    _State.factory = sessionmaker(engine, expire_on_commit=False)


def get_session() -> Iterator[Session]:
    assert _State.factory is not None
    with _State.factory() as session:
        yield session


def get_user(x_user: Annotated[str, Header()] = "anonymous") -> str:
    return x_user


SessionDep = Annotated[Session, Depends(get_session)]
CurrentUser = Annotated[str, Depends(get_user)]
