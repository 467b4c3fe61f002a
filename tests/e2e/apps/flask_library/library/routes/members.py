from flask import Blueprint, jsonify, request

from library.extensions import db
from library.models import Member

bp = Blueprint("members", __name__, url_prefix="/members")


@bp.post("")
def join():
    name = request.get_json()["name"].strip()
    member = Member(name=name)
    db.session.add(member)
    db.session.commit()
    return jsonify(id=member.id, name=member.name), 201


@bp.get("/<int:member_id>")
def show(member_id):
    member = db.session.get(Member, member_id)
    if member is None:
        return jsonify(error="not found"), 404
    return jsonify(id=member.id, name=member.name)
