from flask import Blueprint, request
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.models import Note
from app.views.util import audit, get_flag, load_note, parse_body, permit

bp = Blueprint("notes", __name__)


def find_note(note_id):
    note = Note.query.get(note_id)
    if note is None:
        raise NotFound()
    return note


@bp.post("/notes")
def create_note():
    permit(request.headers.get("X-Role"))
    data = parse_body("NoteCreate")
    note = Note(text=data["text"], pinned=get_flag("pinned"))
    db.session.add(note)
    db.session.commit()
    return {"id": note.id}, 201


@bp.post("/notes/<int:note_id>/archive")
def archive_note(note_id):
    note = load_note(note_id)
    note.archived = True
    db.session.commit()
    return {"id": note.id}


@bp.post("/notes/<int:note_id>/pin")
def pin_note(note_id):
    note = Note.query.get(note_id)
    note.pinned = True
    audit(note)
    db.session.commit()
    return {"id": note.id}


@bp.delete("/notes/<int:note_id>")
def delete_note(note_id):
    note = find_note(note_id)
    db.session.delete(note)
    db.session.commit()
    return "", 204
