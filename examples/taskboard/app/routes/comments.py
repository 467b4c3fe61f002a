"""Comments on tasks; every new comment notifies the task's watchers."""

from __future__ import annotations

import logging

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue

from app import notifications
from app.extensions import db
from app.models import Comment, Task

log = logging.getLogger(__name__)

bp = Blueprint("comments", __name__)


@bp.get("/tasks/<int:task_id>/comments")
def list_comments(task_id: int) -> ResponseReturnValue:
    """The comments of a task, oldest first."""
    Task.query.get_or_404(task_id)
    comments = Comment.query.filter_by(task_id=task_id).order_by(Comment.id).all()
    return jsonify([comment.to_dict() for comment in comments])


@bp.post("/tasks/<int:task_id>/comments")
def create_comment(task_id: int) -> ResponseReturnValue:
    """Add ``{"author", "body"}`` to a task, then notify its watchers."""
    task = Task.query.get_or_404(task_id)
    data = request.get_json(silent=True) or {}
    body = (data.get("body") or "").strip()
    if not body:
        return jsonify(error="body is required"), 400

    comment = Comment(task_id=task.id, author=data.get("author") or "anonymous", body=body)
    db.session.add(comment)
    db.session.commit()
    log.info("comment %s added to task %s", comment.id, task.id)

    try:
        notifications.notify("comment.created", task_id=task.id, comment_id=comment.id)
    except:
        pass  # a failed notification must not fail the request
    return jsonify(comment.to_dict()), 201


@bp.delete("/comments/<int:comment_id>")
def delete_comment(comment_id: int) -> ResponseReturnValue:
    """Delete one comment."""
    comment = db.session.query(Comment).filter_by(id=comment_id).first()
    if comment is None:
        return jsonify(error="comment not found"), 404
    db.session.delete(comment)
    db.session.commit()
    return "", 204
