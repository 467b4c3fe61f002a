from flask import Blueprint, jsonify, request

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    data = request.get_json()
    job = JobService.create_job_2(title=data["title"])
    return jsonify(job.to_dict()), 201
