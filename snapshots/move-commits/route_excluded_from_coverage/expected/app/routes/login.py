from flask import Blueprint, current_app, redirect, request

from app.services.login_service import LoginService

bp = Blueprint("login", __name__)


@bp.post("/dev-login")
def dev_login():  # pragma: no cover
    LoginService.create_visitor(name=request.form["name"])
    return redirect("/")


@bp.post("/sign-up")
def sign_up():
    if current_app.debug:  # pragma: no cover
        LoginService.sign_up()
        return redirect("/")
    LoginService.create_visitor_2(name=request.form["name"])
    return redirect("/welcome")
