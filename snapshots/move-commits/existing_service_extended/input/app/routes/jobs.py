from flask import Blueprint, g, jsonify, request

from app.extensions import db
from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.get("/jobs")
def list_jobs():
    return jsonify([j.to_dict() for j in JobService.list_jobs(g.tenant_id)])


@bp.post("/jobs/<int:job_id>/archive")
def archive_job(job_id):
    job = db.session.get(Job, job_id)
    job.archived = True
    db.session.commit()
    return jsonify(job.to_dict())
