from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.forms import JobForm, ProfileForm
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
        JobService.profile(user=current_user, about_me=form.about_me.data)
        return redirect(url_for("jobs.profile"))
    # Shown pre-filled: this store runs on the other path, not in the moved code.
    form.about_me.data = current_user.about_me
    return render_template("profile.html", form=form)
