"""Forum service: units of work (database writes and their commits)."""

from app.extensions import db
from app.forum.models import Topic


class ForumService:
    """Units of work for forum: each method writes and commits."""

    @staticmethod
    def create_topic(title):
        topic = Topic(title=title)
        db.session.add(topic)
        db.session.commit()
        return topic
