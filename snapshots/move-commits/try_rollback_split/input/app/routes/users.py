from flask import Blueprint, jsonify, request
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import User

bp = Blueprint("users", __name__)


@bp.post("/users")
def create_user():
    data = request.get_json()
    user = User(email=data["email"])
    try:
        db.session.add(user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()

        # the address is taken
        return jsonify(error="email already registered"), 409
    return jsonify(user.to_dict()), 201
