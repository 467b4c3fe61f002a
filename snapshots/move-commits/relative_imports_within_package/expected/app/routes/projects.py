from flask import Blueprint, jsonify, request

from app.services.project_service import ProjectService

from . import serializers

bp = Blueprint("projects", __name__)


@bp.post("/projects")
def create_project():
    project = ProjectService.create_project(name=request.get_json()["name"])
    return jsonify(serializers.project(project)), 201
