from flask import Blueprint, jsonify, request

from app.domain.job_commands import JobCommands

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    job = JobCommands.create_job(title=request.get_json()["title"])
    return jsonify(job.to_dict()), 201
