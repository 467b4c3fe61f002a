from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def purge(session: Session):
    return session.query(Address).filter(Address.email.like("%@x")).delete(synchronize_session="fetch")


def purge_all(session: Session):
    session.query(Address).delete()
