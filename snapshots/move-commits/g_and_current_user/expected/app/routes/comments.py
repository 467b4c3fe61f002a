from flask import Blueprint, g, jsonify
from flask_login import current_user, login_required

from app.services.comment_service import CommentService

bp = Blueprint("comments", __name__)


@bp.post("/posts/<int:post_id>/comments")
@login_required
def add_comment(post_id):
    comment = CommentService.add_comment(
        post_id=post_id,
        user_id=current_user.id,
        body=g.form_data["body"],
        tenant=g.tenant,
    )
    return jsonify(comment.to_dict()), 201
