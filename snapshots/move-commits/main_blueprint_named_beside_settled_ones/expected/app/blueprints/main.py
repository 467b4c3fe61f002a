from flask import Blueprint

from app.models import Note
from app.services.main_service import MainService

main_bp = Blueprint("main", __name__)


@main_bp.route("/notes/<int:note_id>/unflag", methods=["POST"])
def unflag_note(note_id):
    note = Note.query.get_or_404(note_id)
    MainService.unflag_note(note)
    return "ok"
