from flask import Blueprint, jsonify, request

from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    data = request.get_json()
    job = JobService.create_job(title=data["title"])
    return jsonify(id=job.id), 201


@bp.delete("/jobs/<int:job_id>")
def delete_job(job_id):
    job = Job.query.get_or_404(job_id)
    JobService.delete_job(job)
    return "", 204

