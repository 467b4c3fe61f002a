from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def first_name(session: Session):
    return session.query(User).value(User.name)
