from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import (
    Profile,
    User,
)
from app.security import (
    MAX_NAME_LENGTH,
    hash_password,
    rate_limited,
)

bp = Blueprint("auth", __name__)


@bp.post("/register")
@rate_limited
def register():
    """Create an account; the profile comes with it."""
    data = request.get_json()
    if len(data.get("name", "")) > MAX_NAME_LENGTH:
        return jsonify(error="name too long"), 400
    if User.query.filter_by(email=data["email"]).first() is not None:
        return jsonify(error="taken"), 409
    user = User(email=data["email"], password_hash=hash_password(data["password"]))
    user.profile = Profile(display_name=data.get("name", ""))
    db.session.add(user)
    db.session.commit()
    return jsonify(id=user.id), 201
