"""Main service: units of work (database writes and their commits)."""

from app.extensions import db


class MainService:
    """Units of work for main: each method writes and commits."""

    @staticmethod
    def unflag_note(note):
        note.flagged = False
        db.session.commit()
