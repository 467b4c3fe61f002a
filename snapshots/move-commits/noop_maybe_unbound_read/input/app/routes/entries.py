from flask import Blueprint, flash, jsonify, request

from app.extensions import db
from app.models import Entry

bp = Blueprint("entries", __name__)


@bp.post("/entries")
def add_entries():
    for key in request.form:
        flash(f"saw {key}")
        last = key
    db.session.add(Entry(key="last", value=last))
    db.session.commit()
    return jsonify(ok=True)
