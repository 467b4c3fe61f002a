"""Api service: units of work (database writes and their commits)."""

from app.extensions import db


class ApiService:
    """Units of work for api: each method writes and commits."""

    @staticmethod
    def delete_note(note):
        db.session.delete(note)
        db.session.commit()
