"""The JSON API."""

from flask import Blueprint, jsonify, request

from ..extensions import db
from ..models import Project
from ..services.project_service import ProjectService

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/projects")
def create_project():
    payload = request.get_json()
    project = ProjectService.create_project(name=payload["name"])
    return jsonify(id=project.id), 201


@bp.post("/projects/<int:project_id>/archive")
def archive_project(project_id):
    project = db.get_or_404(Project, project_id)
    ProjectService.archive_project(project)
    return jsonify(id=project.id)


@bp.post("/projects/<int:project_id>/members")
def add_member(project_id):
    project = db.get_or_404(Project, project_id)
    member = ProjectService.add_member(project, name=request.get_json()["name"])
    return jsonify(id=member.id), 201
