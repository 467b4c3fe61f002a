from flask import Blueprint, flash, request
from flask.views import MethodView

from app.extensions import db
from app.models import Challenge, Job, User

bp = Blueprint("webui", __name__)


class JobListView(MethodView):
    def post(self):
        job = Job(title=request.form["title"])
        db.session.add(job)
        db.session.commit()
        return {"id": job.id}, 201


class JobItemView(MethodView):
    def delete(self, job_id):
        job = db.get_or_404(Job, job_id)
        db.session.delete(job)
        db.session.commit()
        return "", 204

    def put(self, job_id):
        job = db.get_or_404(Job, job_id)
        job.publish()
        db.session.commit()
        return {"id": job.id}


@bp.post("/jobs/purge")
def index():
    jobs = Job.query.filter_by(done=True).all()
    for job in jobs:
        db.session.delete(job)
    db.session.commit()
    return "", 204


@bp.post("/challenge")
def get_challenge():
    db.session.add(Challenge(kind="captcha"))
    db.session.commit()
    return "", 201


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id):
    user = db.get_or_404(User, user_id)
    user.password_hash = request.form["hash"]
    db.session.commit()
    return "", 204


@bp.post("/users")
def signup(name, email, team, role):
    db.session.add(User(name=name, email=email, team=team, role=role))
    db.session.commit()
    return "", 201


@bp.post("/jobs/<int:job_id>/retry")
def retry(job_id):
    job = db.get_or_404(Job, job_id)
    job.attempts += 1
    db.session.commit()
    flash("retry scheduled")
    job.status = "queued"
    db.session.commit()
    return "", 202


bp.add_url_rule("/jobs", view_func=JobListView.as_view("jobs"))
bp.add_url_rule("/jobs/<int:job_id>", view_func=JobItemView.as_view("job"))
