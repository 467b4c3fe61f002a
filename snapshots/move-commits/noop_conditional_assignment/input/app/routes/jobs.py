from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/copy")
def copy_job(job_id, deep=False):
    source = db.session.get(Job, job_id)
    if deep:
        copy = source.deep_copy()
        db.session.add(copy)
    db.session.commit()
    return jsonify(copy.to_dict())
