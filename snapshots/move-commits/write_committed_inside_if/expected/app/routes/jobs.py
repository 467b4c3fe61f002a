from flask import Blueprint, abort, jsonify, request

from app.extensions import db
from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/finish")
def finish_job(job_id):
    job = db.session.get(Job, job_id)
    if request.args.get("log"):
        JobService.create_log(job_id)
    if job is None:
        abort(404)
    JobService.finish_job(job)
    return jsonify(ok=True)


@bp.post("/jobs/<int:job_id>/close")
def close_job(job_id):
    job = db.session.get(Job, job_id)
    if not JobService.close_job(job, close=request.args.get("close")):
        return jsonify(error="nothing to do"), 400
    return jsonify(ok=True)
