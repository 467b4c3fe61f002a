from flask import Blueprint, jsonify

from app.models import Job

bp = Blueprint("jobs", __name__)


class JobService:
    def __init__(self):
        self.db = None

    def open_jobs(self):
        return self.db.query(Job).filter(Job.open).all()


job_service = JobService()


@bp.route("/jobs")
def list_jobs():
    return jsonify([job.id for job in job_service.open_jobs()])
