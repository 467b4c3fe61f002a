"""Nothing here but queries continued on the next line, after a backslash or a comment: the
file is still read."""

from app.extensions import db
from app.models import Domain


def active_domains(names):
    found = db.session.scalars(
        db.select(Domain).where(Domain.name.in_(names)).filter_by(active=True)
    ).all()
    return found


def first_domain():
    return db.session.scalars(db.select(Domain).order_by(Domain.name).limit(1)).first()


def newest_domain():
    return db.session.scalars(
        db.select(Domain)  # newest first
        .order_by(Domain.id.desc())
        .limit(1)
    ).first()
