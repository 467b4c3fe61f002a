from flask import Blueprint, jsonify, request

from app.models import Job
from app.uow import uow

bp = Blueprint("jobs", __name__)


@bp.post("/jobs")
def create_job():
    job = Job(title=request.get_json()["title"])
    uow.register(job)
    uow.commit()
    return jsonify(job.to_dict()), 201
