from sqlalchemy import func
from sqlalchemy.orm import Session, joinedload

from app.models import Alert, User


def get_or_create(session: Session, alert_id, name):
    if alert_id:
        q = session.query(Alert).filter(Alert.id == alert_id)
    else:
        q = session.query(Alert).filter_by(name=name)
    instance = q.first()
    if instance:
        return instance
    alert = Alert(name=name)
    session.add(alert)
    return alert


def listed(session: Session, mine, user_id):
    if mine:
        q = session.query(Alert).join(Alert.owner).filter(User.id == user_id)
    else:
        q = session.query(Alert)
    q = q.order_by(Alert.name)
    return q.all()


def counted(session: Session, active):
    q = session.query(Alert.kind, func.count(Alert.id))
    if active:
        q = session.query(Alert.kind, func.count(Alert.id)).filter(Alert.active.is_(True))
    return dict(q.group_by(Alert.kind).all())


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


def eager(session: Session, full):
    if full:
        q = session.query(User).options(joinedload(User.alerts))
    else:
        q = session.query(User)
    return q.all()
