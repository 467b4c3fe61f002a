from flask import Blueprint, abort, jsonify, request

from app.services.entry_service import EntryService

bp = Blueprint("entries", __name__)

FIELDS = {"name": "Name", "email": "E-mail"}


@bp.post("/entries")
def add_entries():
    entries = {}
    for key, field in FIELDS.items():
        value = request.form.get(key)
        if not value:
            abort(400, f"{field} is required")
        entries[key] = value
    EntryService.add_entries(entries)
    return jsonify(count=len(entries))
