from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/toggle")
def toggle_job(job_id):
    job = db.session.get(Job, job_id)
    if request.args.get("close"):
        JobService.toggle_job(job)
        return jsonify(closed=True)
    else:
        JobService.update_job(job)
    return jsonify(job.to_dict())
