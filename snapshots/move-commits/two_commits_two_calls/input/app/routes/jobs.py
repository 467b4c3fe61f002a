from flask import Blueprint, flash, redirect, url_for

from app.extensions import db
from app.models import Job

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/retry")
def retry_job(job_id):
    job = db.session.get(Job, job_id)
    job.attempts += 1
    db.session.commit()
    flash("Retry scheduled")
    job.status = "queued"
    db.session.commit()
    return redirect(url_for("jobs.show", job_id=job.id))
