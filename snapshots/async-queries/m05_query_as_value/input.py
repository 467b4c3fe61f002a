from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def base(session: Session):
    return session.query(User).filter(User.active)


def helper(session: Session):
    q = session.query(User)
    return paginate(q)
