from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/start")
def start_job(job_id):
    job = db.session.get(Job, job_id)
    if job is None:
        return jsonify(error="not found"), 404
    JobService.start_job(job)
    return jsonify(job.to_dict())
