"""The JSON API."""

from flask import Blueprint, jsonify, request

from ..extensions import db
from ..models import Member, Project

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.post("/projects")
def create_project():
    payload = request.get_json()
    project = Project(name=payload["name"])
    db.session.add(project)
    db.session.commit()
    return jsonify(id=project.id), 201


@bp.post("/projects/<int:project_id>/archive")
def archive_project(project_id):
    project = db.get_or_404(Project, project_id)
    project.archived = True
    db.session.commit()
    return jsonify(id=project.id)


@bp.post("/projects/<int:project_id>/members")
def add_member(project_id):
    project = db.get_or_404(Project, project_id)
    member = Member(name=request.get_json()["name"], project_id=project.id)
    db.session.add(member)
    db.session.commit()
    return jsonify(id=member.id), 201
