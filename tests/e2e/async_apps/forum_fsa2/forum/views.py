from flask import Blueprint, jsonify, request

from forum import db
from forum.models import Reply, Topic

bp = Blueprint("forum", __name__)


def _topic(topic):
    return {"id": topic.id, "title": topic.title}


@bp.get("/topics/<int:topic_id>")
def show(topic_id):
    topic = Topic.query.get_or_404(topic_id)
    return jsonify(_topic(topic))


@bp.get("/topics/titled/<title>")
def by_title(title):
    topic = Topic.query.filter_by(title=title).first_or_404(description="no such topic")
    return jsonify(_topic(topic))


@bp.get("/topics")
def index():
    page = request.args.get("page", 1, type=int)
    found = Topic.query.order_by(Topic.id).paginate(page, 2, False)
    return jsonify({"items": [_topic(t) for t in found.items], "total": found.total})


@bp.get("/topics/<int:topic_id>/replies")
def replies(topic_id):
    shown = Reply.query.filter_by(topic_id=topic_id).order_by(Reply.id).all()
    return jsonify([r.body for r in shown])


@bp.get("/stats")
def stats():
    return jsonify(
        {
            "topics": Topic.query.count(),
            "stored_replies": db.session.query(Reply).count(),
            "visible_replies": Reply.query.count(),
            "newest": Topic.newest().title,
            "titled_b": Topic.titled("b").id,
            "long_titles": Topic.query.filter(db.func.length(Topic.title) > 1).count(),
        }
    )


@bp.delete("/topics/<int:topic_id>")
def remove(topic_id):
    removed = Topic.query.filter(Topic.id == topic_id).delete()
    db.session.commit()
    return jsonify({"removed": removed})
