from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    data = request.get_json()
    job = Job(title=data["title"].strip())
    db.session.add(job)
    db.session.commit()
    return jsonify(job.to_dict()), 201
