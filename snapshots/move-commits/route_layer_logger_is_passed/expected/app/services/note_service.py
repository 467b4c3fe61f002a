"""Note service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Note


class NoteService:
    """Units of work for note: each method writes and commits."""

    @staticmethod
    def create_note(logger, text):
        note = Note(text=text)
        db.session.add(note)
        # the route layer's logger: passed to the service, never imported by it
        logger.info("note created")
        db.session.commit()
        return note
