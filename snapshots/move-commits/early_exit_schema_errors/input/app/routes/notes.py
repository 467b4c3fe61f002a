from flask import Blueprint, request

from app.extensions import db
from app.models import Notes
from app.schemas import NoteSchema

bp = Blueprint("notes", __name__)


@bp.patch("/notes/<int:note_id>")
def patch(note_id):
    note = Notes.query.filter_by(id=note_id).first_or_404()
    schema = NoteSchema(partial=True)
    data = request.get_json()

    result = schema.load(data, instance=note)
    if result.errors:
        return {"success": False, "errors": result.errors}, 400

    db.session.commit()

    result = schema.dump(result.data)
    return {"success": True, "data": result.data}
