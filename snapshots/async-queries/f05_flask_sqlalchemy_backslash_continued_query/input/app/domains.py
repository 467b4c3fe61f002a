"""Nothing here but queries continued on the next line, after a backslash or a comment: the
file is still read."""

from app.models import Domain


def active_domains(names):
    found = Domain.query \
        .filter(Domain.name.in_(names)) \
        .filter_by(active=True) \
        .all()
    return found


def first_domain():
    return Domain.query \
        .order_by(Domain.name) \
        .first()


def newest_domain():
    return (
        Domain.query  # newest first
        .order_by(Domain.id.desc())
        .first()
    )
