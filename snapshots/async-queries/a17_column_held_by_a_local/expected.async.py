from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from app.models import Order, User


async def totals(session: Session):
    # a labelled aggregate kept in a local: selecting it gives rows
    total = func.sum(Order.amount).label("total")
    return (
        await session.execute(
            select(User.id, total)
            .join(Order, Order.user_id == User.id)
            .group_by(User.id)
            .order_by(total.desc())
        )
    ).all()


async def counts(session: Session):
    n = func.count(Order.id)
    return (await session.execute(select(n).where(Order.paid))).scalar_one_or_none()


async def marker(session: Session):
    flag = literal_column("1")
    return (await session.execute(select(flag).where(Order.paid).limit(1))).first()


def either(session: Session, by_user: bool):
    # bound to an entity on one path and a column on the other: nobody can tell
    picked = User
    if not by_user:
        picked = func.count(User.id).label("n")
    return session.query(picked).all()


def from_the_caller(session: Session, total):
    # a parameter of the same name as a column elsewhere holds what the caller passed
    return session.query(total).all()


async def inner_rebinds(session: Session):
    total = func.sum(Order.amount).label("total")

    def pick(total):
        return session.query(total).all()

    return pick(User), (await session.execute(select(total))).all()


async def paid_totals(session: Session, paid_only: bool):
    # a query variable reads the column too
    total = func.sum(Order.amount).label("total")
    query = select(Order.user_id, total).group_by(Order.user_id)
    if paid_only:
        query = query.where(Order.paid)
    return (await session.execute(query)).all()
