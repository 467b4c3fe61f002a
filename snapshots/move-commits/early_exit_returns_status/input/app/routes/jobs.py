from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.delete("/jobs/<int:job_id>")
def delete_job(job_id):
    job = db.session.get(Job, job_id)
    db.session.delete(job)
    if job.locked:
        return jsonify(error="job is locked"), 409
    db.session.commit()
    return "", 204
