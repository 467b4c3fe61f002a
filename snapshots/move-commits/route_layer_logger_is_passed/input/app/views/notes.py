from flask import Blueprint, request

from app.extensions import db
from app.models import Note

from . import logger

bp = Blueprint("notes", __name__)


def archive(note):
    logger.debug("archiving note %s", note.id)
    note.archived = True


@bp.post("/notes")
def create_note():
    note = Note(text=request.form["text"])
    db.session.add(note)
    # the route layer's logger: passed to the service, never imported by it
    logger.info("note created")
    db.session.commit()
    return {"id": note.id}, 201


@bp.post("/notes/<int:note_id>/archive")
def archive_note(note_id):
    note = db.get_or_404(Note, note_id)
    # a helper of the route module that cannot move (it reads the route layer's logger): it is
    # called here, never handed to a service, so the write it makes stays and the unit is manual
    archive(note)
    db.session.commit()
    return {"id": note.id}
