"""Label service: units of work (database writes and their commits)."""

from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Tag


class LabelService:
    """Units of work for label: each method writes and commits."""

    @staticmethod
    def create_tag(name):
        try:
            db.session.add(Tag(label=name))
            db.session.commit()
        except IntegrityError:
            # the name is taken: say so, with the database's own words
            db.session.rollback()
            raise
        except ValueError:
            db.session.rollback()
            raise
