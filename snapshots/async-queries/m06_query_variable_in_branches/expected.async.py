from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from app.models import Alert, User


async def get_or_create(session: Session, alert_id, name):
    if alert_id:
        q = select(Alert).where(Alert.id == alert_id)
    else:
        q = select(Alert).filter_by(name=name)
    instance = (await session.scalars(q.limit(1))).first()
    if instance:
        return instance
    alert = Alert(name=name)
    session.add(alert)
    return alert


async def listed(session: Session, mine, user_id):
    if mine:
        q = select(Alert).join(Alert.owner).where(User.id == user_id)
    else:
        q = select(Alert)
    q = q.order_by(Alert.name)
    return (await session.scalars(q)).unique().all()


async def counted(session: Session, active):
    q = select(Alert.kind, func.count(Alert.id))
    if active:
        q = select(Alert.kind, func.count(Alert.id)).where(Alert.active.is_(True))
    return dict((await session.execute(q.group_by(Alert.kind))).all())


def mixed(session: Session, users):
    if users:
        q = session.query(User)
    else:
        q = session.query(Alert)
    return q.all()


def other_sessions(session: Session, archive: Session, old):
    q = session.query(Alert)
    if old:
        q = archive.query(Alert)
    return q.all()


async def eager(session: Session, full):
    if full:
        q = select(User).options(joinedload(User.alerts))
    else:
        q = select(User)
    return (await session.scalars(q)).unique().all()
