from flask import Blueprint, jsonify

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/archive")
def archive_job(job_id: int):
    job = JobService.archive_job(job_id)
    return jsonify(job.to_dict())
