from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from app.models import Alert, Tag


async def purge_alerts(session: Session, owner_id, muted_only):
    q = delete(Alert).where(Alert.owner_id == owner_id)
    if muted_only:
        q = q.filter_by(muted=True)
    # the rows go without loading them
    await session.execute(q.execution_options(synchronize_session=False))
    await session.commit()


async def rename_tags(session: Session, old, new):
    tags = update(Tag)
    tags = tags.where(Tag.name == old)
    renamed = (
        await session.execute(
            tags.values({Tag.name: new}).execution_options(synchronize_session="fetch")
        )
    ).rowcount
    await session.commit()
    return renamed


def purge_counted(session: Session, owner_id):
    # read and deleted through one variable: it stays a query, reported
    q = session.query(Alert).filter(Alert.owner_id == owner_id)
    gone = q.count()
    q.delete()
    return gone


def purge_sorted(session: Session):
    q = session.query(Alert).order_by(Alert.id)
    q.delete()
