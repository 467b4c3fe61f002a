from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/publish")
def publish_job(job_id):
    job = db.session.get(Job, job_id)
    job.published = True
    db.session.commit()
    return jsonify(job.to_dict())
