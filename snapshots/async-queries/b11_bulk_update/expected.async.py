from sqlalchemy import func, update
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def deactivate(session: Session, name):
    return (
        await session.execute(
            update(User)
            .where(User.name == name)
            .values({"active": False})
            .execution_options(synchronize_session=False)
        )
    ).rowcount


async def rename(session: Session):
    await session.execute(
        update(User).where(User.id > 2).values({User.name: User.name + "!"})
    )
