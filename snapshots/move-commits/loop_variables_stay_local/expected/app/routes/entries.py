from flask import Blueprint, jsonify, request

from app.services.entry_service import EntryService

bp = Blueprint("entries", __name__)

FIELDS = {"name": "Name", "email": "E-mail"}


@bp.post("/entries")
def add_entries():
    entries = {}
    for key, field in FIELDS.items():
        value = request.form.get(key)
        entries[key] = value
    EntryService.add_entries(entries)
    return jsonify(count=len(entries))
