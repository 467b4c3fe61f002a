"""Post service: units of work (database writes and their commits)."""

from api import db
from api.models import Post


class PostService:
    """Units of work for post: each method writes and commits."""

    @staticmethod
    def update_post(id, payload):
        post = db.session.get(Post, id)
        post.update(payload)
        db.session.commit()
        return post
