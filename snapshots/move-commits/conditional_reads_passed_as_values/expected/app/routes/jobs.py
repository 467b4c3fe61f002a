from flask import Blueprint, g, jsonify, request

from app.extensions import db
from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.post("/jobs/<int:job_id>/close")
def close_job(job_id):
    data = request.get_json()
    JobService.close_job(
        job_id=job_id,
        data=data,
        reason=request.json.get("reason"),
        tenant_id=g.tenant_id,
        src=request.args.get("src"),
    )
    return jsonify(ok=True)


@bp.post("/jobs/<int:job_id>/tag")
def tag_job(job_id):
    job = db.session.get(Job, job_id)
    if job.open:
        job.reason = request.json.get("reason")
    db.session.commit()
    return jsonify(ok=True)


@bp.before_request
def load_tenant():
    g.tenant_id = int(request.headers.get("X-Tenant", "1"))
