from flask import Blueprint, jsonify, request

from app.services.auth_service import AuthService

bp = Blueprint("auth", __name__)


@bp.post("/auth/reset-password")
def reset_password():
    AuthService.reset_password(data=request.get_json())
    return jsonify(message="password reset"), 200
