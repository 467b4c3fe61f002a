"""The HTML pages."""

from flask import Blueprint, redirect, render_template, request, url_for

from ..extensions import db
from ..models import Project
from ..services.project_service import ProjectService
from ..services.web_service import WebService

bp = Blueprint("web", __name__)


@bp.route("/projects/new", methods=["GET", "POST"])
def new_project():
    if request.method == "GET":
        return render_template("new_project.html")
    payload = request.form
    # save the project
    project = ProjectService.create_project(name=payload["name"])
    return redirect(url_for("web.show_project", project_id=project.id))


@bp.post("/projects/<int:project_id>/archive")
def archive_project(project_id):
    project = db.get_or_404(Project, project_id)
    WebService.archive_project(project)
    return redirect(url_for("web.show_project", project_id=project.id))


@bp.post("/projects/<int:project_id>/members")
def add_member(project_id):
    project = db.get_or_404(Project, project_id)
    member = WebService.add_member(project_id, name=request.form["name"])
    return redirect(url_for("web.show_member", member_id=member.id))
