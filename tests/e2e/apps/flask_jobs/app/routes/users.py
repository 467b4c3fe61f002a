from flask import Blueprint, Flask, jsonify, request
from flask.views import MethodView
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import User

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.post("")
def create_user():
    data = request.get_json()
    user = User(email=data["email"].lower())
    try:
        db.session.add(user)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="email already registered"), 409
    return jsonify(user.to_dict()), 201


class ProfileView(MethodView):
    def get(self, user_id):
        user = db.session.get(User, user_id)
        if user is None:
            return jsonify(error="not found"), 404
        return jsonify(user.to_dict())

    def patch(self, user_id):
        user = db.session.get(User, user_id)
        if user is None:
            return jsonify(error="not found"), 404
        user.bio = request.get_json().get("bio", "")
        db.session.commit()
        return jsonify(user.to_dict())


def register_profile_view(app: Flask) -> None:
    app.add_url_rule("/profiles/<int:user_id>", view_func=ProfileView.as_view("profile"))
