from sqlalchemy import func, update
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


def deactivate(session: Session, name):
    return session.execute(
        update(User)
        .where(User.name == name)
        .values({"active": False})
        .execution_options(synchronize_session=False)
    ).rowcount


def rename(session: Session):
    session.execute(
        update(User).where(User.id > 2).values({User.name: User.name + "!"})
    )
