from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/toggle")
def toggle_job(job_id):
    job = db.session.get(Job, job_id)
    if request.args.get("close"):
        job.status = "closed"
        db.session.commit()
        return jsonify(closed=True)
    else:
        job.status = "open"
        job.reopened += 1
        db.session.commit()
    return jsonify(job.to_dict())
