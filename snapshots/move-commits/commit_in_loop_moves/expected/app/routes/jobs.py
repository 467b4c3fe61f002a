from flask import Blueprint, jsonify, request

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/bulk-close")
def bulk_close():
    ids = request.get_json()["ids"]
    closed = JobService.bulk_close(ids)
    return jsonify(closed=closed)
