"""Projects: list, create, read, rename, delete, archive."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Project
from app.services.project_service import ProjectService

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("")
def list_projects() -> ResponseReturnValue:
    """Active projects by name; ``?archived=1`` includes archived ones."""
    query = Project.query
    if request.args.get("archived") != "1":
        query = query.filter_by(archived=False)
    return jsonify([project.to_dict() for project in query.order_by(Project.name).all()])


@bp.post("")
def create_project() -> ResponseReturnValue:
    """Create a project from ``{"name", "description"}``."""
    data = request.get_json(silent=True) or {}
    name = (data.get("name") or "").strip()
    if not name:
        return jsonify(error="name is required"), 400
    if Project.query.filter_by(name=name).first() is not None:
        return jsonify(error=f"project {name!r} already exists"), 409

    project = Project(name=name, description=data.get("description", ""))
    db.session.add(project)
    db.session.commit()
    return jsonify(project.to_dict()), 201


@bp.get("/<int:project_id>")
def get_project(project_id: int) -> ResponseReturnValue:
    """One project with its task count per status."""
    project = Project.query.get_or_404(project_id)
    return jsonify({**project.to_dict(), "task_counts": ProjectService.task_counts(project.id)})


@bp.patch("/<int:project_id>")
def update_project(project_id: int) -> ResponseReturnValue:
    """Rename a project or change its description."""
    project = Project.query.get_or_404(project_id)
    data = request.get_json(silent=True) or {}
    if "name" in data and not str(data["name"]).strip():
        return jsonify(error="name must not be blank"), 400

    if "name" in data:
        project.name = str(data["name"]).strip()
    if "description" in data:
        project.description = data["description"]
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        owner = Project.query.filter_by(name=str(data["name"]).strip()).one()
        return jsonify(error="another project already has that name", conflict_id=owner.id), 409
    return jsonify(project.to_dict())


@bp.delete("/<int:project_id>")
def delete_project(project_id: int) -> ResponseReturnValue:
    """Delete a project with its tasks and their comments."""
    project = Project.query.get_or_404(project_id)
    try:
        db.session.delete(project)
        db.session.commit()
    except:
        db.session.rollback()
        raise
    return "", 204


@bp.post("/<int:project_id>/archive")
def archive_project(project_id: int) -> ResponseReturnValue:
    """Archive a project (already moved to the service layer)."""
    project = Project.query.get_or_404(project_id)
    ProjectService.archive(project)
    return jsonify(project.to_dict())
