"""Tasks: per-project list, create and bulk import; per-task read, edit, delete and move."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from flask.views import MethodView
from sqlalchemy import func

from app.extensions import db
from app.importing import parse_rows
from app.models import STATUSES, Comment, Project, Task

bp = Blueprint("tasks", __name__)

#: the author of the comments the board writes itself.
BOARD_AUTHOR = "taskboard"


def _next_position(project_id: int) -> int:
    last = db.session.query(func.max(Task.position)).filter(Task.project_id == project_id).scalar()
    return 0 if last is None else last + 1


def _status_error() -> ResponseReturnValue:
    return jsonify(error=f"status must be one of: {', '.join(STATUSES)}"), 400


@bp.get("/projects/<int:project_id>/tasks")
def list_tasks(project_id: int) -> ResponseReturnValue:
    """The tasks of a project in board order."""
    Project.query.get_or_404(project_id)
    tasks = (
        db.session.query(Task)
        .filter(Task.project_id == project_id)
        .order_by(Task.position, Task.id)
        .all()
    )
    return jsonify([task.to_dict() for task in tasks])


@bp.post("/projects/<int:project_id>/tasks")
def create_task(project_id: int) -> ResponseReturnValue:
    """Add a task at the end of the board: ``{"title", "assignee", "due_date"}``."""
    project = Project.query.get_or_404(project_id)
    if project.archived:
        return jsonify(error="project is archived"), 409
    data = request.get_json(silent=True) or {}
    title = (data.get("title") or "").strip()
    if not title:
        return jsonify(error="title is required"), 400
    due_date = None
    if data.get("due_date"):
        try:
            due_date = date.fromisoformat(data["due_date"])
        except (TypeError, ValueError):
            return jsonify(error="due_date must be YYYY-MM-DD"), 400

    task = Task(
        project_id=project.id,
        title=title,
        assignee=data.get("assignee"),
        due_date=due_date,
        position=_next_position(project.id),
    )
    db.session.add(task)
    db.session.commit()
    return jsonify(task.to_dict()), 201


@bp.post("/projects/<int:project_id>/tasks/import")
def import_tasks(project_id: int) -> ResponseReturnValue:
    """Bulk-create tasks from ``{"rows": [...]}``; rows that do not parse are skipped."""
    project = Project.query.get_or_404(project_id)
    rows = (request.get_json(silent=True) or {}).get("rows")
    if not isinstance(rows, list):
        return jsonify(error="rows must be a list"), 400

    drafts, skipped = parse_rows(rows)
    position = _next_position(project.id)
    for offset, draft in enumerate(drafts):
        db.session.add(
            Task(
                project_id=project.id,
                title=draft.title,
                status=draft.status,
                assignee=draft.assignee,
                due_date=draft.due_date,
                position=position + offset,
            )
        )
    db.session.commit()
    return jsonify(imported=len(drafts), skipped=skipped), 201


@bp.post("/tasks/<int:task_id>/move")
def move_task(task_id: int) -> ResponseReturnValue:
    """Move a task to another column and leave a note on it."""
    task = Task.query.get_or_404(task_id)
    status = (request.get_json(silent=True) or {}).get("status")
    if status not in STATUSES:
        return _status_error()

    previous = task.status
    task.status = status
    db.session.commit()

    if previous != status:
        note = Comment(
            task_id=task.id, author=BOARD_AUTHOR, body=f"moved from {previous} to {status}"
        )
        db.session.add(note)
        db.session.commit()
    return jsonify(task.to_dict())


class TaskAPI(MethodView):
    """One task: read, edit, delete."""

    init_every_request = False

    def get(self, task_id: int) -> ResponseReturnValue:
        """The task with its number of comments."""
        task = Task.query.get_or_404(task_id)
        return jsonify({**task.to_dict(), "comment_count": len(task.comments)})

    def patch(self, task_id: int) -> ResponseReturnValue:
        """Change the title, status or assignee."""
        task = Task.query.get_or_404(task_id)
        data = request.get_json(silent=True) or {}
        if "status" in data and data["status"] not in STATUSES:
            return _status_error()
        if "title" in data and not str(data["title"]).strip():
            return jsonify(error="title must not be blank"), 400

        for field in ("title", "status", "assignee"):
            if field in data:
                setattr(task, field, data[field])
        db.session.commit()
        return jsonify(task.to_dict())

    def delete(self, task_id: int) -> ResponseReturnValue:
        """Delete the task and its comments."""
        task = Task.query.get_or_404(task_id)
        db.session.delete(task)
        db.session.commit()
        return "", 204


bp.add_url_rule("/tasks/<int:task_id>", view_func=TaskAPI.as_view("task"))
