from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Invite

bp = Blueprint("invites", __name__)


@bp.route("/invites/<token>/accept")
@login_required
def accept_invite(token):
    if current_user.accept_invite(token):
        db.session.commit()
        flash("Welcome to the team.")
    else:
        flash("The invitation is invalid or has expired.")
    return redirect(url_for("main.index"))


@bp.route("/invites/<token>/decline")
def decline_invite(token):
    if Invite.decline(token):
        db.session.commit()
    return redirect(url_for("main.index"))
