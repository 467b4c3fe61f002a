from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Job
from app.services.job_service import EVENTS, JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/publish")
def publish_job(job_id):
    job = db.get_or_404(Job, job_id)
    JobService.publish_job(job)
    return jsonify(job.to_dict())


@bp.get("/events")
def events():
    return jsonify(list(EVENTS))
