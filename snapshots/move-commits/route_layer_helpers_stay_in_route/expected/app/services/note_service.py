"""Note service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Note


class NoteService:
    """Units of work for note: each method writes and commits."""

    @staticmethod
    def create_note(data, pinned):
        note = Note(text=data["text"], pinned=pinned)
        db.session.add(note)
        db.session.commit()
        return note

    @staticmethod
    def archive_note(note):
        note.archived = True
        db.session.commit()

    @staticmethod
    def delete_note(note):
        db.session.delete(note)
        db.session.commit()
