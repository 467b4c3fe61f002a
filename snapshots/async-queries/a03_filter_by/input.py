from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session, name):
    return session.query(User).filter_by(name=name).all()
