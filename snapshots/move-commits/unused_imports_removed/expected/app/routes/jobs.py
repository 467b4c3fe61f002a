from flask import Blueprint, jsonify, request

from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/tags")
def tag_job(job_id):
    name = request.get_json()["name"]
    job = Job.query.get_or_404(job_id)
    JobService.tag_job(name, job)
    return jsonify(job.to_dict())
