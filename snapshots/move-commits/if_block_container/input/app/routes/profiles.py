from flask import Blueprint, flash, redirect, render_template, url_for

from app.extensions import db
from app.forms import ProfileForm
from app.models import Profile

bp = Blueprint("profiles", __name__)


@bp.route("/profile/<int:profile_id>", methods=["GET", "POST"])
def edit_profile(profile_id):
    profile = db.session.get(Profile, profile_id)
    form = ProfileForm(obj=profile)
    if form.validate_on_submit():
        form.populate_obj(profile)
        profile.completed = True
        db.session.commit()
        flash("Profile saved")
        return redirect(url_for("profiles.edit_profile", profile_id=profile.id))
    return render_template("profile.html", form=form)
