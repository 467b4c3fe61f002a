from flask import Blueprint, abort, jsonify, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.route("/jobs/<int:job_id>", methods=["PUT"])
def update_job(job_id):
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    job.title = request.json["title"]
    job.description = request.json.get("description", job.description)
    db.session.commit()
    return jsonify(job.to_dict())
