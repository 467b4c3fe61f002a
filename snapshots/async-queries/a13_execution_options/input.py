from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def fresh(session: Session):
    return session.query(User).populate_existing().filter(User.active).all()


def no_flush(session: Session):
    return session.query(User).autoflush(False).all()


def streamed(session: Session):
    for user in session.query(User).yield_per(100):
        print(user)
