from sqlalchemy.orm import Session

from app.models import Alert, Tag


def purge_alerts(session: Session, owner_id, muted_only):
    q = session.query(Alert).filter(Alert.owner_id == owner_id)
    if muted_only:
        q = q.filter_by(muted=True)
    # the rows go without loading them
    q.delete(synchronize_session=False)
    session.commit()


def rename_tags(session: Session, old, new):
    tags = session.query(Tag)
    tags = tags.filter(Tag.name == old)
    renamed = tags.update({Tag.name: new}, synchronize_session="fetch")
    session.commit()
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
