from flask import Blueprint, jsonify

from app.events import publish
from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/start")
def start_job(job_id):
    job = db.session.get(Job, job_id)
    if job is None:
        return jsonify(error="not found"), 404
    job.status = "starting"
    db.session.commit()
    # The worker reads the row, so the first commit must happen before the event.
    publish("job.starting", job.id)
    job.status = "started"
    db.session.commit()
    return jsonify(job.to_dict())
