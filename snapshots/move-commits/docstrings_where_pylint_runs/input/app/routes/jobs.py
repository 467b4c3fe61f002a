from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    data = request.get_json()
    job = Job(title=data["title"])
    db.session.add(job)
    db.session.commit()
    return jsonify(id=job.id), 201


@bp.delete("/jobs/<int:job_id>")
def delete_job(job_id):
    job = Job.query.get_or_404(job_id)
    db.session.delete(job)
    db.session.commit()
    return "", 204

