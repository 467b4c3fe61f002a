from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session):
    q1 = session.query(User).filter(User.id < 2)
    q2 = session.query(User).filter(User.id > 5)
    return q1.union(q2).all()
