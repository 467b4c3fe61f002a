from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/bulk-close")
def bulk_close():
    ids = request.get_json()["ids"]
    closed = 0
    for job_id in ids:
        job = db.session.get(Job, job_id)
        job.status = "closed"
        db.session.commit()
        closed += 1
    return jsonify(closed=closed)
