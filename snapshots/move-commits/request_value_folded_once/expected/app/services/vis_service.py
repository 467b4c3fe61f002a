"""Vis service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Vis


class VisService:
    """Units of work for vis: each method writes and commits."""

    @staticmethod
    def share_vis(vis_id, view_only):
        vis = db.session.get(Vis, vis_id)
        if view_only is None:
            view_only = vis.default_view_only
        vis.shared = True
        vis.view_only = view_only
        db.session.commit()
        return view_only
