from flask import Blueprint, g, jsonify, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    data = request.get_json()
    if not data.get("title"):
        return jsonify(error="title is required"), 400
    # A new job belongs to the caller's tenant.
    job = Job(title=data["title"], tenant_id=g.tenant_id)
    db.session.add(job)
    db.session.commit()  # make it visible to the workers
    return jsonify(job.to_dict()), 201
