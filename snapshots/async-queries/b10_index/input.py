from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def third(session: Session):
    return session.query(User).order_by(User.id)[2]
