from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session):
    return (
        session.scalars(select(User).options(joinedload(User.addresses))).unique().all()
    )


def selectin(session: Session):
    return session.scalars(select(User).options(selectinload(User.addresses))).all()
