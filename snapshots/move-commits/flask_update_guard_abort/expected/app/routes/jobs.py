from flask import Blueprint, abort, jsonify, request

from app.extensions import db
from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.route("/jobs/<int:job_id>", methods=["PUT"])
def update_job(job_id):
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    JobService.update_job(job, payload=request.json)
    return jsonify(job.to_dict())
