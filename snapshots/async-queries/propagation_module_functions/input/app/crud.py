from sqlalchemy.ext.asyncio import AsyncSession

from app.models import User


def get_user(db: AsyncSession, user_id: int):
    return db.query(User).filter(User.id == user_id).first()


def get_user_or_fail(db: AsyncSession, user_id: int):
    user = get_user(db, user_id)
    if user is None:
        raise KeyError(user_id)
    return user


def create_user(db: AsyncSession, name: str):
    user = User(name=name)
    db.add(user)
    db.commit()
    db.refresh(user)
    return user
