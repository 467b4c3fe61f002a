from flask import Blueprint, jsonify, request

from app.services.vis_service import VisService

bp = Blueprint("jobs", __name__)


@bp.post("/vis/<int:vis_id>")
def share(vis_id):
    view_only = VisService.share_vis(vis_id, view_only=request.args.get("view_only"))
    return jsonify(view_only=view_only)
