from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/drain")
def drain():
    for job in Job.query.all():
        if job.pinned:
            break
        db.session.delete(job)
        db.session.commit()
    return jsonify(ok=True)
