from flask import Blueprint, flash, jsonify, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/bulk-delete")
def bulk_delete():
    for job_id in request.get_json()["ids"]:
        job = db.session.get(Job, job_id)
        db.session.delete(job)
        db.session.commit()
        flash(f"deleted {job_id}")
    return jsonify(ok=True)
