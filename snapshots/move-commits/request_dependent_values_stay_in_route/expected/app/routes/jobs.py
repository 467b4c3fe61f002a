from flask import Blueprint, g, jsonify, request
from flask_babel import _
from flask_login import current_user

from app.auth import basic_auth
from app.extensions import db
from app.models import Job
from app.schemas import job_schema
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


def get_ip():
    return request.headers.get("X-Forwarded-For", request.remote_addr)


@bp.post("/jobs")
def create_job():
    job = JobService.create_job(
        user=current_user._get_current_object(),
        title=request.form.get("title"),
        message=_("Created from the web"),
        ip=get_ip(),
        auth_user=basic_auth.current_user(),
    )
    return jsonify(job_schema.dump(job))


@bp.post("/jobs/<int:job_id>/dump")
def dump_job(job_id):
    job = db.session.get(Job, job_id)
    job.seen = True
    data = job_schema.dump(job)
    db.session.commit()
    return jsonify(data)


@bp.post("/jobs/samples")
def create_samples():
    JobService.create_samples(
        user=current_user, message=_("Alpha"), message_2=_("Beta"), message_3=_("Gamma")
    )
    return jsonify(ok=True)


@bp.post("/jobs/tidy")
def create_tidy_job():
    job = JobService.create_tidy_job(
        raw_title=request.form.get("title", ""), user=current_user._get_current_object()
    )
    return jsonify(id=job.id)
