from flask import Blueprint, flash, redirect, url_for

from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/retry")
def retry_job(job_id):
    job = JobService.retry_job(job_id)
    flash("Retry scheduled")
    JobService.update_job_status(job)
    return redirect(url_for("jobs.show", job_id=job.id))
