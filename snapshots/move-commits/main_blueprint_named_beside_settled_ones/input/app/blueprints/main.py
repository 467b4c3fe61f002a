from flask import Blueprint

from app.extensions import db
from app.models import Note

main_bp = Blueprint("main", __name__)


@main_bp.route("/notes/<int:note_id>/unflag", methods=["POST"])
def unflag_note(note_id):
    note = Note.query.get_or_404(note_id)
    note.flagged = False
    db.session.commit()
    return "ok"
