from sqlalchemy import delete, func
from sqlalchemy.orm import Session, joinedload, selectinload

from app.models import Address, User


async def purge(session: Session):
    return (
        await session.execute(
            delete(Address)
            .where(Address.email.like("%@x"))
            .execution_options(synchronize_session="fetch")
        )
    ).rowcount


async def purge_all(session: Session):
    await session.execute(delete(Address))
