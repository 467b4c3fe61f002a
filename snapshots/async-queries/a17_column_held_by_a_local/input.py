from sqlalchemy import func, literal_column
from sqlalchemy.orm import Session

from app.models import Order, User


def totals(session: Session):
    # a labelled aggregate kept in a local: selecting it gives rows
    total = func.sum(Order.amount).label("total")
    return (
        session.query(User.id, total)
        .join(Order, Order.user_id == User.id)
        .group_by(User.id)
        .order_by(total.desc())
        .all()
    )


def counts(session: Session):
    n = func.count(Order.id)
    return session.query(n).filter(Order.paid).scalar()


def marker(session: Session):
    flag = literal_column("1")
    return session.query(flag).filter(Order.paid).first()


def either(session: Session, by_user: bool):
    # bound to an entity on one path and a column on the other: nobody can tell
    picked = User
    if not by_user:
        picked = func.count(User.id).label("n")
    return session.query(picked).all()


def from_the_caller(session: Session, total):
    # a parameter of the same name as a column elsewhere holds what the caller passed
    return session.query(total).all()


def inner_rebinds(session: Session):
    total = func.sum(Order.amount).label("total")

    def pick(total):
        return session.query(total).all()

    return pick(User), session.query(total).all()


def paid_totals(session: Session, paid_only: bool):
    # a query variable reads the column too
    total = func.sum(Order.amount).label("total")
    query = session.query(Order.user_id, total).group_by(Order.user_id)
    if paid_only:
        query = query.filter(Order.paid)
    return query.all()
