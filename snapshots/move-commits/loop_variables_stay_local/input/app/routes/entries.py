from flask import Blueprint, abort, jsonify, request

from app.extensions import db
from app.models import Entry

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
    for key, value in entries.items():
        db.session.add(Entry(key=key, value=value))
    db.session.commit()
    return jsonify(count=len(entries))
