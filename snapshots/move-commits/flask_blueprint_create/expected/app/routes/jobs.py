from flask import Blueprint, g, jsonify, request

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    data = request.get_json()
    if not data.get("title"):
        return jsonify(error="title is required"), 400
    job = JobService.create_job(title=data["title"], tenant_id=g.tenant_id)
    return jsonify(job.to_dict()), 201
