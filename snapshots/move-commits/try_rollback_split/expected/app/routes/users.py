from flask import Blueprint, jsonify, request
from sqlalchemy.exc import IntegrityError

from app.services.user_service import UserService

bp = Blueprint("users", __name__)


@bp.post("/users")
def create_user():
    data = request.get_json()
    try:
        user = UserService.create_user(email=data["email"])
    except IntegrityError:
        # the address is taken
        return jsonify(error="email already registered"), 409
    return jsonify(user.to_dict()), 201
