"""Api service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Note


class ApiService:
    """Units of work for api: an earlier run spelled the class this way."""

    @staticmethod
    def ping():
        return 1

    @staticmethod
    def delete_note(note):
        db.session.delete(note)
        db.session.commit()

    @staticmethod
    def create_note(user):
        # `g.current_user` (set by an auth decorator) is passed as `user`: named
        # `current_user` in the service, it would read as Flask-Login's proxy.
        note = Note(author=user)
        db.session.add(note)
        db.session.commit()
