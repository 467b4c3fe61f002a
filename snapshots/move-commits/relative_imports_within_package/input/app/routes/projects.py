from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Project

from . import serializers

bp = Blueprint("projects", __name__)


@bp.post("/projects")
def create_project():
    project = Project(name=request.get_json()["name"])
    db.session.add(project)
    db.session.commit()
    return jsonify(serializers.project(project)), 201
