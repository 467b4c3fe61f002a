from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def plain(session: Session, uid):
    return session.query(User).get(uid)


def with_options(session: Session, uid):
    return (
        session.query(User)
        .options(selectinload(User.addresses))
        .populate_existing()
        .with_for_update()
        .get(uid)
    )


def filtered(session: Session, uid):
    return session.query(User).filter(User.active).get(uid)
