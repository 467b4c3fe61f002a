from flask import Blueprint, jsonify, request

from app.extensions import db

from .models import Topic

forum = Blueprint("forum", __name__)


@forum.post("/topics")
def new_topic():
    topic = Topic(title=request.get_json()["title"])
    db.session.add(topic)
    db.session.commit()
    return jsonify(id=topic.id), 201
