from flask import Blueprint, abort, jsonify, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/close")
def close_job(job_id):
    job = db.session.get(Job, job_id)
    job.status = "closed"
    if request.args.get("dry_run"):
        abort(400)
    db.session.commit()
    return jsonify(job.to_dict())
