from flask import Blueprint, abort, g, jsonify, request
from sqlalchemy.exc import IntegrityError

from app.auth import require_permission
from app.extensions import db
from app.models import AuditLog, Field, Project, Tag

bp = Blueprint("projects", __name__, url_prefix="/projects")

FIELDS = {"budget": "Budget", "deadline": "Deadline"}


@bp.before_request
def load_tenant():
    g.tenant_id = int(request.headers.get("X-Tenant", "1"))


@bp.post("")
def create_project():
    data = request.get_json()
    if not data or not data.get("name"):
        return jsonify(error="name is required"), 400
    project = Project(name=data["name"].strip(), owner=request.headers.get("X-User", "anonymous"))
    db.session.add(project)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return jsonify(error="name already taken"), 409
    return jsonify(project.to_dict()), 201


@bp.put("/<int:project_id>")
def update_project(project_id):
    project = db.get_or_404(Project, project_id)
    # The owner check comes before the body is parsed: a stranger gets 403, not 400.
    require_permission(project, "update")
    data = request.get_json()
    project.status = data.get("status", project.status)
    if project.status == "archived":
        project.reason = request.json.get("reason")
    db.session.commit()
    return jsonify(project.to_dict())


@bp.post("/<int:project_id>/tags")
def add_tags(project_id):
    project = db.get_or_404(Project, project_id)
    for name in request.get_json().get("tags", []):
        db.session.add(Tag(project_id=project.id, name=name, tenant_id=g.tenant_id))
    db.session.commit()
    return jsonify(tags=[t.name for t in Tag.query.filter_by(project_id=project.id)])


@bp.post("/<int:project_id>/fields")
def set_fields(project_id):
    values = {}
    for key, label in FIELDS.items():
        value = request.form.get(key)
        if value is None:
            abort(400, f"{label} is required")
        values[key] = value
    for key, value in values.items():
        db.session.add(Field(project_id=project_id, key=key, value=value))
    db.session.commit()
    return jsonify(count=len(values))


@bp.post("/<int:project_id>/priority")
def set_priority(project_id):
    project = db.get_or_404(Project, project_id)
    try:
        priority = int(request.form.get("priority", ""))
    except ValueError:
        priority = 3
    project.priority = priority
    db.session.commit()
    return jsonify(priority=priority)


@bp.post("/<int:project_id>/close")
def close_project(project_id):
    project = db.get_or_404(Project, project_id)
    if request.args.get("log"):
        db.session.add(AuditLog(action=f"close {project_id}"))
        db.session.commit()
    if project.status == "closed":
        abort(409)
    project.status = "closed"
    db.session.commit()
    return jsonify(project.to_dict())


@bp.post("/<int:project_id>/reopen")
def reopen_project(project_id):
    project = db.get_or_404(Project, project_id)
    if project.status == "closed":
        project.status = "open"
    else:
        return jsonify(error="project is not closed"), 409
    db.session.commit()
    return jsonify(project.to_dict())


@bp.delete("/<int:project_id>")
def delete_project(project_id):
    project = db.get_or_404(Project, project_id)
    require_permission(project, "delete")
    db.session.delete(project)
    db.session.add(AuditLog(action=f"delete {project_id}"))
    db.session.commit()
    return "", 204
