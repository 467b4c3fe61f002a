from flask import Blueprint, jsonify

from app.services.job_service import EVENTS, JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/publish")
def publish_job(job_id):
    job = JobService.publish_job(job_id)
    return jsonify(job.to_dict())


@bp.get("/events")
def events():
    return jsonify(list(EVENTS))
