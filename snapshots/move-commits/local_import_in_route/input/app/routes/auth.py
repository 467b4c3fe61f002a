from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import User

bp = Blueprint("auth", __name__)


@bp.post("/auth/reset-password")
def reset_password():
    import bcrypt

    data = request.get_json()
    user = User.query.filter_by(email=data["email"]).first_or_404()
    user.password_hash = bcrypt.hashpw(data["password"].encode(), bcrypt.gensalt()).decode()
    user.failed_logins = 0
    db.session.commit()
    return jsonify(message="password reset"), 200
