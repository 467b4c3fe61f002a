from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app import models
from app.models import Address, User


def pairs(session: Session):
    return session.query(User).join(User.addresses).with_entities(User.name, Address.email).all()


def both(session: Session):
    return session.query(User).join(User.addresses).add_entity(Address).all()


def emails(session: Session):
    # the class named through its module: its columns are still the columns of select() itself
    return session.query(models.User).filter(models.User.active).with_entities(models.User.email).all()


def other_class(session: Session):
    return session.query(User).with_entities(models.User.email).all()
