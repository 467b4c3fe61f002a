from flask import Blueprint, flash, request
from flask.views import MethodView

from app.extensions import db
from app.models import Job, User
from app.services.web_ui_service import WebUIService

bp = Blueprint("webui", __name__)


class JobListView(MethodView):
    def post(self):
        job = WebUIService.create_job(title=request.form["title"])
        return {"id": job.id}, 201


class JobItemView(MethodView):
    def delete(self, job_id):
        job = db.get_or_404(Job, job_id)
        WebUIService.delete_job(job)
        return "", 204

    def put(self, job_id):
        job = db.get_or_404(Job, job_id)
        WebUIService.publish_job(job)
        return {"id": job.id}


@bp.post("/jobs/purge")
def index():
    WebUIService.delete_jobs()
    return "", 204


@bp.post("/challenge")
def get_challenge():
    WebUIService.create_challenge()
    return "", 201


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id):
    user = db.get_or_404(User, user_id)
    WebUIService.reset_password(user, hash_value=request.form["hash"])
    return "", 204


@bp.post("/users")
def signup(name, email, team, role):
    WebUIService.create_user(name=name, email=email, team=team, role=role)
    return "", 201


@bp.post("/jobs/<int:job_id>/retry")
def retry(job_id):
    job = db.get_or_404(Job, job_id)
    WebUIService.retry_job(job)
    flash("retry scheduled")
    WebUIService.update_job_status(job)
    return "", 202


bp.add_url_rule("/jobs", view_func=JobListView.as_view("jobs"))
bp.add_url_rule("/jobs/<int:job_id>", view_func=JobItemView.as_view("job"))
