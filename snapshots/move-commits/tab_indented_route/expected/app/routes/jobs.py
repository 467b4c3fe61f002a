from flask import Blueprint, jsonify, request

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
	if request.args.get("dry"):
		return jsonify(ok=True)
	job = JobService.create_job()
	return jsonify(job.to_dict()), 201
