from flask import Blueprint, g, jsonify, request
from flask_babel import _
from flask_login import current_user

from app.auth import basic_auth
from app.extensions import db
from app.models import Job, Visit
from app.schemas import job_schema

bp = Blueprint("jobs", __name__)


def get_ip():
    return request.headers.get("X-Forwarded-For", request.remote_addr)


@bp.post("/jobs")
def create_job():
    job = Job(owner=current_user, title=request.form.get("title"))
    job.created_by = current_user._get_current_object()
    job.note = _("Created from the web")
    db.session.add(job)
    db.session.add(Visit(ip=get_ip(), user=basic_auth.current_user()))
    db.session.commit()
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
    # Translated titles: their parameters are numbered in the order they are read.
    first = Job(owner=current_user, title=_("Alpha"))
    second = Job(owner=current_user, title=_("Beta"))
    third = Job(owner=current_user, title=_("Gamma"))
    db.session.add_all([first, second, third])
    db.session.commit()
    return jsonify(ok=True)


def tidy(text):
    return text.strip()


@bp.post("/jobs/tidy")
def create_tidy_job():
    # Unwrapping the proxy cannot fail, so reading it before `tidy()` runs changes nothing.
    title = tidy(request.form.get("title", ""))
    job = Job(owner=current_user._get_current_object(), title=title)
    db.session.add(job)
    db.session.commit()
    return jsonify(id=job.id)
