from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def sub(session: Session):
    ids = session.query(Address.user_id).filter(Address.email.like("%@x")).subquery()
    return session.query(User).join(ids, User.id == ids.c.user_id).all()


def counted(session: Session):
    n = session.query(func.count(Address.id)).filter(Address.user_id == User.id).as_scalar()
    return session.query(User.name, n.label("n")).all()
