from flask import Blueprint, jsonify, request

from app.extensions import db
from app.models import Vis

bp = Blueprint("jobs", __name__)


@bp.post("/vis/<int:vis_id>")
def share(vis_id):
    vis = db.session.get(Vis, vis_id)
    view_only = request.args.get("view_only")
    if view_only is None:
        view_only = vis.default_view_only
    vis.shared = True
    vis.view_only = view_only
    db.session.commit()
    return jsonify(view_only=view_only)
