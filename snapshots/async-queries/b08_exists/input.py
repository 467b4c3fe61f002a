from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session, name):
    q = session.query(User).filter(User.name == name)
    return session.query(q.exists()).scalar()
