from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def pairs(session: Session):
    return session.query(User).join(User.addresses).with_entities(User.name, Address.email).all()


def both(session: Session):
    return session.query(User).join(User.addresses).add_entity(Address).all()
