from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session):
    stmt = select(User).where(User.active)
    return session.execute(stmt).scalars().all()
