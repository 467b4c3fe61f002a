from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/archive")
def archive_job(job_id: int):
    job = db.session.get(Job, job_id)
    job.archived = True
    db.session.commit()
    return jsonify(job.to_dict())
