"""`ee/bot/` has no `__init__.py`: Python imports it as a namespace package inside `ee`."""

from flask import Blueprint, jsonify, request

from ee.bot.services.answer_service import AnswerService

bp = Blueprint("answers", __name__)


@bp.route("/answers", methods=["POST"])
def create_answer():
    text = request.json["text"]
    answer = AnswerService.create_answer(text)
    return jsonify(id=answer.id), 201
