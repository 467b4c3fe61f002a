from flask import Blueprint, request
from werkzeug.exceptions import NotFound

from app.extensions import db
from app.models import Note
from app.services.note_service import NoteService
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
    note = NoteService.create_note(data, pinned=get_flag("pinned"))
    return {"id": note.id}, 201


@bp.post("/notes/<int:note_id>/archive")
def archive_note(note_id):
    note = load_note(note_id)
    NoteService.archive_note(note)
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
    NoteService.delete_note(note)
    return "", 204
