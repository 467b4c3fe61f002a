from flask import Blueprint, jsonify, request

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/tags")
def tag_job(job_id):
    name = request.get_json()["name"]
    job = JobService.tag_job(job_id, name)
    return jsonify(job.to_dict())
