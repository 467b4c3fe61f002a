from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Job, Tag

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/tags")
def tag_job(job_id):
    name = request.get_json()["name"]
    job = Job.query.get_or_404(job_id)
    tag = Tag(name=name)
    job.tags.append(tag)
    db.session.add(tag)
    db.session.commit()
    return jsonify(job.to_dict())
