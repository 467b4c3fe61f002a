from flask import Blueprint, jsonify

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.delete("/jobs/<int:job_id>")
def delete_job(job_id):
    if not JobService.delete_job(job_id):
        return jsonify(error="job is locked"), 409
    return "", 204
