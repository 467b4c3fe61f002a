from flask import Blueprint, g, redirect, url_for

from app.services.setting_service import SettingService

bp = Blueprint("settings", __name__)


@bp.route("/settings", methods=["POST"])
def edit_account():
    form = g.settings_form
    account = SettingService.edit_account(form, current_account=g.account)
    return redirect(url_for("settings.show", account_id=account.id))
