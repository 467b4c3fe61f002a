from flask import Blueprint, abort, flash, g, jsonify, request

from app.events import publish
from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__, url_prefix="/jobs")


@bp.get("")
def list_jobs():
    jobs = db.session.scalars(db.select(Job).where(Job.tenant_id == g.tenant_id)).all()
    return jsonify([job.to_dict() for job in jobs])


@bp.post("")
def create_job():
    data = request.get_json()
    if not data or not data.get("title"):
        return jsonify(error="title is required"), 400
    job = Job(title=data["title"].strip(), tenant_id=g.tenant_id)
    db.session.add(job)
    db.session.commit()
    return jsonify(job.to_dict()), 201


@bp.put("/<int:job_id>")
def update_job(job_id):
    job = db.session.get(Job, job_id)
    if job is None or job.tenant_id != g.tenant_id:
        abort(404)
    job.title = request.json.get("title", job.title)
    job.status = request.json.get("status", job.status)
    db.session.commit()
    return jsonify(job.to_dict())


@bp.delete("/<int:job_id>")
def delete_job(job_id):
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    db.session.delete(job)
    if job.locked:
        # Undo the pending delete by hand: this early return sits inside the unit of work.
        db.session.rollback()
        return jsonify(error="job is locked"), 409
    db.session.commit()
    return "", 204


@bp.post("/<int:job_id>/start")
def start_job(job_id):
    job = db.session.get(Job, job_id)
    if job is None:
        return jsonify(error="not found"), 404
    job.status = "starting"
    db.session.commit()
    # Workers read the row when the event arrives: the first commit must come first.
    publish("job.starting", job.id)
    job.status = "started"
    db.session.commit()
    return jsonify(job.to_dict())


@bp.post("/<int:job_id>/retry")
def retry_job(job_id):
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    job.attempts += 1
    db.session.commit()
    flash("retry scheduled")
    job.status = "queued"
    db.session.commit()
    return jsonify(job.to_dict())


@bp.post("/bulk-close")
def bulk_close():
    ids = request.get_json()["ids"]
    closed = 0
    for job_id in ids:
        job = db.session.get(Job, job_id)
        if job is not None:
            job.status = "closed"
            db.session.commit()
            closed += 1
    return jsonify(closed=closed)
