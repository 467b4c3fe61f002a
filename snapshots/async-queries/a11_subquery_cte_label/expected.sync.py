from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def sub(session: Session):
    ids = select(Address.user_id).where(Address.email.like("%@x")).subquery()
    return (
        session.scalars(select(User).join(ids, User.id == ids.c.user_id)).unique().all()
    )


def counted(session: Session):
    n = (
        select(func.count(Address.id))
        .where(Address.user_id == User.id)
        .scalar_subquery()
    )
    return session.execute(select(User.name, n.label("n"))).all()
