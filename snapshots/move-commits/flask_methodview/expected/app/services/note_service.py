"""Note service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Note


class NoteService:
    """Units of work for note: each method writes and commits."""

    @staticmethod
    def create_note(body):
        note = Note(body=body)
        db.session.add(note)
        db.session.commit()
        return note

    @staticmethod
    def delete_note(note_id):
        note = db.session.get(Note, note_id)
        db.session.delete(note)
        db.session.commit()
