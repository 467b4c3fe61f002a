from flask import Blueprint, Response, stream_with_context

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.get("/jobs/export")
def export_jobs():
    def generate():
        for job in Job.query.all():
            yield job.to_csv()

    return Response(stream_with_context(generate()))


@bp.post("/jobs/touch")
def touch_jobs():
    for job in Job.query.all():
        job.touched = True
        yield job.id
    db.session.commit()
