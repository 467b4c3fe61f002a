from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session):
    stmt = session.query(User).filter(User.active).statement
    return session.execute(stmt).scalars().all()
