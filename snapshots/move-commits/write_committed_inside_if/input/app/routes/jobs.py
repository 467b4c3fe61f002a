from flask import Blueprint, abort, jsonify, request

from app.extensions import db
from app.models import Job, Log

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/finish")
def finish_job(job_id):
    job = db.session.get(Job, job_id)
    if request.args.get("log"):
        db.session.add(Log(job_id=job_id))
        db.session.commit()
    if job is None:
        abort(404)
    job.status = "done"
    db.session.commit()
    return jsonify(ok=True)


@bp.post("/jobs/<int:job_id>/close")
def close_job(job_id):
    job = db.session.get(Job, job_id)
    if request.args.get("close"):
        job.status = "closed"
    else:
        return jsonify(error="nothing to do"), 400
    db.session.commit()
    return jsonify(ok=True)
