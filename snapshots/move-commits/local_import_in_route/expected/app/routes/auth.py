from flask import Blueprint, jsonify, request

from app.models import User
from app.services.auth_service import AuthService

bp = Blueprint("auth", __name__)


@bp.post("/auth/reset-password")
def reset_password():
    data = request.get_json()
    user = User.query.filter_by(email=data["email"]).first_or_404()
    AuthService.reset_password(user, data)
    return jsonify(message="password reset"), 200
