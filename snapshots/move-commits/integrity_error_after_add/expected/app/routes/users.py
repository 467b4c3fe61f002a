from flask import Blueprint, flash, jsonify, request
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import User
from app.services.user_service import UserService

bp = Blueprint("users", __name__)


@bp.post("/users")
def create_user():
    data = request.get_json()
    try:
        user = UserService.create_user(email=data["email"])
    except IntegrityError:
        return jsonify(error="email already registered"), 409
    return jsonify(user.to_dict()), 201


@bp.post("/users/<int:user_id>/email")
def change_email(user_id):
    user = User.query.get(user_id)
    user.email = request.json["email"]
    try:
        db.session.commit()
    except Exception:
        db.session.rollback()
        return jsonify(error="could not save"), 400
    return jsonify(user.to_dict())


@bp.post("/users/<int:user_id>/rename")
def rename_user(user_id):
    user = User(id=user_id)
    user.name = request.json["name"]
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash("name taken")
    return jsonify(user.to_dict())
