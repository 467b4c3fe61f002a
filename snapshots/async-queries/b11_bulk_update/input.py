from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def deactivate(session: Session, name):
    return session.query(User).filter(User.name == name).update({"active": False}, synchronize_session=False)


def rename(session: Session):
    session.query(User).filter(User.id > 2).update({User.name: User.name + "!"})
