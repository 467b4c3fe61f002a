from flask import Blueprint, g, jsonify
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Comment

bp = Blueprint("comments", __name__)


@bp.post("/posts/<int:post_id>/comments")
@login_required
def add_comment(post_id):
    comment = Comment(post_id=post_id, author_id=current_user.id, tenant_id=g.tenant.id)
    comment.body = g.form_data["body"]
    db.session.add(comment)
    g.tenant.comment_count += 1
    db.session.commit()
    return jsonify(comment.to_dict()), 201
