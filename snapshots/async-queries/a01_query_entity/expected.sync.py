from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session):
    return session.scalars(select(User)).all()
