from flask import Blueprint, jsonify, request

from app.services.audit_service import AuditService

bp = Blueprint("audit", __name__)


def _record(action, actor):
    entry = AuditService.create_audit_log(action, actor)
    return entry


@bp.post("/audit")
def audit():
    entry = _record(request.get_json()["action"], request.remote_addr)
    return jsonify(entry.to_dict()), 201
