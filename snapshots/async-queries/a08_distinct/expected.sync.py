from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def names(session: Session):
    return session.execute(select(User.name).distinct()).all()


def ordered_by_unselected(session: Session):
    return session.query(User).join(User.addresses).distinct().order_by(Address.email).all()


def with_an_address(session: Session):
    # DISTINCT already returns each user once: no unique() beside it
    return session.scalars(
        select(User).join(User.addresses).where(Address.email.like("%@x")).distinct()
    ).all()


def with_loaded_addresses(session: Session):
    # a joined eager load of a collection still needs unique(), whatever the SQL
    return (
        session.scalars(select(User).options(joinedload(User.addresses)).distinct())
        .unique()
        .all()
    )
