from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def run(session: Session):
    return session.execute(
        select(User.name, func.count(Address.id))
        .join(User.addresses)
        .group_by(User.name)
        .having(func.count(Address.id) > 1)
    ).all()
