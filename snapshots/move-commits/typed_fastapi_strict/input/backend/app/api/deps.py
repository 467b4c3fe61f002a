from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from app.models import User


def get_db() -> Iterator[Session]:
    with Session() as session:
        yield session


def get_current_user(session: Annotated[Session, Depends(get_db)]) -> User:
    return User(id=1, name="me")


SessionDep = Annotated[Session, Depends(get_db)]
CurrentUser = Annotated[User, Depends(get_current_user)]
