from flask import Blueprint, g, jsonify, request

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.get("/jobs")
def list_jobs():
    return jsonify([j.to_dict() for j in JobService.list_jobs(g.tenant_id)])


@bp.post("/jobs/<int:job_id>/archive")
def archive_job(job_id):
    job = JobService.archive_job(job_id)
    return jsonify(job.to_dict())
