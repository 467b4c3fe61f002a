"""Note service: units of work (database writes and their commits)."""

from app.extensions import db


class NoteService:
    """Units of work for note: each method writes and commits."""

    @staticmethod
    def create_note(result):
        db.session.add(result.data)
        db.session.commit()
