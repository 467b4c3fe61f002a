from flask import Blueprint, flash, jsonify, request

from app.extensions import db
from app.models import AuditLog, Job

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _audit(action, actor):
    entry = AuditLog(action=action, actor=actor)
    db.session.add(entry)
    db.session.commit()
    return entry


@bp.post("/audit")
def audit():
    entry = _audit(request.get_json()["action"], request.headers.get("X-Actor", "anonymous"))
    return jsonify(id=entry.id), 201


@bp.post("/purge")
def purge():
    removed = []
    for job in db.session.scalars(db.select(Job).where(Job.status == "closed")).all():
        db.session.delete(job)
        db.session.commit()
        flash(f"removed {job.id}")
        removed.append(job.id)
    return jsonify(removed=removed)
