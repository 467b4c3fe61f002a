from flask import Blueprint, request

from app.models import Notes
from app.schemas import NoteSchema
from app.services.note_service import NoteService

bp = Blueprint("notes", __name__)


@bp.patch("/notes/<int:note_id>")
def patch(note_id):
    note = Notes.query.filter_by(id=note_id).first_or_404()
    schema = NoteSchema(partial=True)
    data = request.get_json()

    committed, result = NoteService.update_note(schema, data, note)
    if not committed:
        return {"success": False, "errors": result.errors}, 400

    result = schema.dump(result.data)
    return {"success": True, "data": result.data}
