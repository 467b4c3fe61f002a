from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Project, Star, Visit

bp = Blueprint("tasks", __name__)


def get_ip():
    return request.headers.get("X-Forwarded-For", request.remote_addr)


@bp.post("/projects/<int:project_id>/star")
def star_project(project_id):
    db.get_or_404(Project, project_id)
    existing = db.session.scalar(db.select(Star).filter_by(project_id=project_id))
    if existing is not None:
        star = existing
        star.count += 1
    else:
        star = Star(project_id=project_id)
        db.session.add(star)
    db.session.commit()
    return jsonify(count=star.count)


@bp.post("/projects/<int:project_id>/first-star")
def first_star(project_id):
    if db.session.scalar(db.select(Star).filter_by(project_id=project_id)) is not None:
        star = "already starred"
        return jsonify(error=star), 409
    star = Star(project_id=project_id)
    db.session.add(star)
    db.session.commit()
    return jsonify(count=star.count), 201


@bp.post("/projects/<int:project_id>/visits")
def record_visit(project_id):
    project = db.get_or_404(Project, project_id)
    visit = Visit(project_id=project.id, ip=get_ip())
    db.session.add(visit)
    db.session.commit()
    return jsonify(ip=visit.ip), 201
