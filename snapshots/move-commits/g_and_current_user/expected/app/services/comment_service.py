"""Comment service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Comment


class CommentService:
    """Units of work for comment: each method writes and commits."""

    @staticmethod
    def add_comment(post_id, user_id, body, tenant):
        comment = Comment(post_id=post_id, author_id=user_id, tenant_id=tenant.id)
        comment.body = body
        db.session.add(comment)
        tenant.comment_count += 1
        db.session.commit()
        return comment
