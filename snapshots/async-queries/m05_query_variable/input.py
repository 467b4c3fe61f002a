from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def search(session: Session, name=None, active=None):
    q = session.query(User)
    if name:
        q = q.filter(User.name == name)
    if active is not None:
        q = q.filter(User.active == active)
    total = q.count()
    return total, q.order_by(User.id).all()
