from flask import Blueprint, flash, redirect, url_for
from flask_login import current_user, login_required

from app.services.invite_service import InviteService

bp = Blueprint("invites", __name__)


@bp.route("/invites/<token>/accept")
@login_required
def accept_invite(token):
    if InviteService.accept_invite(token, user=current_user):
        flash("Welcome to the team.")
    else:
        flash("The invitation is invalid or has expired.")
    return redirect(url_for("main.index"))


@bp.route("/invites/<token>/decline")
def decline_invite(token):
    InviteService.decline_invite(token)
    return redirect(url_for("main.index"))
