from notes.extensions import db
from notes.models import Note

from .base import BaseResource


class NoteDetailResource(BaseResource):
    def put(self, note_id, text):
        note = db.session.get(Note, note_id)
        note.text = text
        db.session.commit()
        return self.respond({"id": note.id})
