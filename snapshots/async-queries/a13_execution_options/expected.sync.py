from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def fresh(session: Session):
    return session.scalars(
        select(User).execution_options(populate_existing=True).where(User.active)
    ).all()


def no_flush(session: Session):
    return session.scalars(select(User).execution_options(autoflush=False)).all()


def streamed(session: Session):
    for user in session.query(User).yield_per(100):
        print(user)
