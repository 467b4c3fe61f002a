from flask import Blueprint, jsonify, request

from .services.forum_service import ForumService

forum = Blueprint("forum", __name__)


@forum.post("/topics")
def new_topic():
    topic = ForumService.create_topic(title=request.get_json()["title"])
    return jsonify(id=topic.id), 201
