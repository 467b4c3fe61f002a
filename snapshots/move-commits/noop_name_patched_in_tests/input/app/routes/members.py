from flask import Blueprint, request

from app.extensions import db
from app.mail import send_welcome

bp = Blueprint("members", __name__)


@bp.post("/members")
def add_member():
    member = Member(email=request.form["email"])
    db.session.add(member)
    send_welcome(member.email)
    db.session.commit()
    return {"id": member.id}, 201


class Member(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    email = db.Column(db.String(120))
