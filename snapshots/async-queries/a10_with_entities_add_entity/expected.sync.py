from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app import models
from app.models import Address, User


def pairs(session: Session):
    return session.execute(
        select(User).join(User.addresses).with_only_columns(User.name, Address.email)
    ).all()


def both(session: Session):
    return (
        session.execute(select(User).join(User.addresses).add_columns(Address))
        .unique()
        .all()
    )


def emails(session: Session):
    # the class named through its module: its columns are still the columns of select() itself
    return session.execute(select(models.User.email).where(models.User.active)).all()


def other_class(session: Session):
    return session.execute(select(User).with_only_columns(models.User.email)).all()
