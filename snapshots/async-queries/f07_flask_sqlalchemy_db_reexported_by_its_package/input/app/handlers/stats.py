from app.models import Visitor


def count_blocked():
    return Visitor.query.filter_by(blocked=True).count()
