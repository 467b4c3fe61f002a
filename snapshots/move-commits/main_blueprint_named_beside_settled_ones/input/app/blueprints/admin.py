from flask import Blueprint

from app.models import Note

admin_bp = Blueprint("admin", __name__)


@admin_bp.route("/notes")
def list_notes():
    return {"count": Note.query.count()}
