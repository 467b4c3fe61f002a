"""`ee/bot/` has no `__init__.py`: Python imports it as a namespace package inside `ee`."""

from flask import Blueprint, jsonify, request

from ee.extensions import db
from ee.models import Answer

bp = Blueprint("answers", __name__)


@bp.route("/answers", methods=["POST"])
def create_answer():
    text = request.json["text"]
    answer = Answer(text=text)
    db.session.add(answer)
    db.session.commit()
    return jsonify(id=answer.id), 201
