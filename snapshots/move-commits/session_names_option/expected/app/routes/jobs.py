from flask import Blueprint, jsonify, request

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    job = JobService.create_job(title=request.get_json()["title"])
    return jsonify(job.to_dict()), 201
