from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session):
    return session.query(User).options(joinedload(User.addresses)).all()


def selectin(session: Session):
    return session.query(User).options(selectinload(User.addresses)).all()
