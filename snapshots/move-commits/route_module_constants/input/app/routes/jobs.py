import re

from flask import Blueprint, jsonify

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)

# Events a published job announces.
EVENTS = ("created", "published")
MAX_TITLE = 80


def _slug(title):
    return re.sub(r"\W+", "-", title.lower())[:MAX_TITLE]


@bp.post("/jobs/<int:job_id>/publish")
def publish_job(job_id):
    job = db.get_or_404(Job, job_id)
    job.events = list(EVENTS)
    job.slug = _slug(job.title)
    db.session.commit()
    return jsonify(job.to_dict())


@bp.get("/events")
def events():
    return jsonify(list(EVENTS))
