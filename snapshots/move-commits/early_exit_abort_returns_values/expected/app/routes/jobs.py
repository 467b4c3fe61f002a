from flask import Blueprint, abort, jsonify, request

from app.extensions import db
from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/close")
def close_job(job_id):
    job = db.session.get(Job, job_id)
    if not JobService.close_job(job, dry_run=request.args.get("dry_run")):
        abort(400)
    return jsonify(job.to_dict())
