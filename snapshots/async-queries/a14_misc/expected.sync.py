from sqlalchemy import bindparam, select, text
from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def locked(session: Session, uid):
    return session.execute(
        select(User).where(User.id == uid).with_for_update(nowait=True)
    ).scalar_one()


def with_params(session: Session):
    return session.query(User).filter(User.name == bindparam("n")).params(n="ed").all()


def children(session: Session, user):
    return session.query(Address).with_parent(user, User.addresses).all()


def textual(session: Session):
    return (
        session.scalars(
            select(User).from_statement(text("SELECT * FROM users ORDER BY id"))
        )
        .unique()
        .first()
    )


def searched(session: Session):
    # an extension's query method (Flask-Whooshee): no select() form, whatever its arguments
    return session.query(User).whooshee_search("ann")
