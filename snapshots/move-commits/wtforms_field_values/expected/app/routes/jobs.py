from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.extensions import db
from app.forms import JobForm, ProfileForm
from app.models import Job
from app.services.job_service import JobService

bp = Blueprint("jobs", __name__)


@bp.before_app_request
def before_request():
    if current_user.is_authenticated:
        JobService.update_user_last_seen(user=current_user)


@bp.route("/jobs/new", methods=["GET", "POST"])
def new_job():
    form = JobForm()
    if form.validate_on_submit():
        JobService.create_job(title=form.title.data, user=current_user)
        flash("Job created")
        return redirect(url_for("jobs.new_job"))
    return render_template("new_job.html", form=form)


@bp.route("/profile", methods=["GET", "POST"])
def profile():
    form = ProfileForm()
    if form.validate_on_submit():
        JobService.update_profile(user=current_user, about_me=form.about_me.data)
        return redirect(url_for("jobs.profile"))
    # Shown pre-filled: this store runs on the other path, not in the moved code.
    form.about_me.data = current_user.about_me
    return render_template("profile.html", form=form)


@bp.route("/jobs/quick", methods=["POST"])
def quick_job():
    # The form is built in the same block as the writes: it reads the request, so it stays
    # here with the reads of its fields.
    form = JobForm()
    title = form.title.data
    JobService.quick_job(title, user=current_user)
    return redirect(url_for("jobs.new_job"))


@bp.route("/jobs/copy", methods=["POST"])
def copy_job():
    job = Job(title="copy", owner=current_user)
    db.session.add(job)
    # Built after a write: the route cannot read its fields before the call.
    form = JobForm(obj=job)
    job.title = form.title.data
    db.session.commit()
    return redirect(url_for("jobs.new_job"))


@bp.route("/jobs/titled", methods=["POST"])
def titled_job():
    # Input parsing, normalized: it stays in the route, which passes plain values.
    form = JobForm()
    title = form.title.data.strip().lower()
    JobService.titled_job(title, user=current_user)
    return redirect(url_for("jobs.new_job"))
