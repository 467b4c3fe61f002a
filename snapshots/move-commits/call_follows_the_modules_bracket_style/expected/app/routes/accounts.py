from flask import Blueprint, flash, redirect, request, url_for

from app.services.account_service import AccountService

bp = Blueprint("accounts", __name__)


@bp.route("/accounts/new", methods=["POST"])
def register_account():
    account = AccountService.register_account(
        first_name=request.form["first_name"],
        last_name=request.form["last_name"],
        email_address=request.form["email_address"],
        organisation_name=request.form["organisation_name"])
    flash("Welcome, {} {} of {}.".format(account.first_name,
                                         account.last_name,
                                         account.organisation_name))
    return redirect(url_for("accounts.show_account",
                            account_id=account.id))
