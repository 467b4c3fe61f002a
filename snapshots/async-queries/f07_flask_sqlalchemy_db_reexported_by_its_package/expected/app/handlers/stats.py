from app.models import Visitor, db


def count_blocked():
    return db.session.scalar(
        db.select(db.func.count()).select_from(Visitor).filter_by(blocked=True)
    )
