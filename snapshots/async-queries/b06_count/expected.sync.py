from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def simple(session: Session):
    return session.scalar(select(func.count()).select_from(User).where(User.active))


def distinct_join(session: Session):
    return session.scalar(
        select(func.count()).select_from(
            select(User.id).join(User.addresses).distinct().subquery()
        )
    )


def grouped(session: Session):
    return session.scalar(
        select(func.count()).select_from(
            select(Address.user_id).group_by(Address.user_id).subquery()
        )
    )
