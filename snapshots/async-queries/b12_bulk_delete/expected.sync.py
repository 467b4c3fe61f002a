from sqlalchemy import delete, func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def purge(session: Session):
    return session.execute(
        delete(Address)
        .where(Address.email.like("%@x"))
        .execution_options(synchronize_session="fetch")
    ).rowcount


def purge_all(session: Session):
    session.execute(delete(Address))
