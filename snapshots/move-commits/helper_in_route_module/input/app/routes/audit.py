from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import AuditLog

bp = Blueprint("audit", __name__)


def _record(action, actor):
    entry = AuditLog(action=action, actor=actor)
    db.session.add(entry)
    db.session.commit()
    return entry


@bp.post("/audit")
def audit():
    entry = _record(request.get_json()["action"], request.remote_addr)
    return jsonify(entry.to_dict()), 201
