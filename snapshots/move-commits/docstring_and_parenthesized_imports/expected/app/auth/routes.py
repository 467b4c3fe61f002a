from flask import Blueprint, jsonify, request

from app.models import User
from app.security import (
    MAX_NAME_LENGTH,
    rate_limited,
)
from app.services.auth_service import AuthService

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
    user = AuthService.create_user(data)
    return jsonify(id=user.id), 201
