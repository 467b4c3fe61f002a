from flask import Blueprint, g, redirect, url_for

from app.extensions import db

bp = Blueprint("settings", __name__)


@bp.route("/settings", methods=["POST"])
def edit_account():
    form = g.settings_form
    account = form.update(g.account)
    db.session.add(account)
    db.session.commit()
    return redirect(url_for("settings.show", account_id=account.id))
