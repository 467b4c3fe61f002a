from flask import Blueprint, jsonify, request

from app.auth import require_permission
from app.extensions import db
from app.models import Widget

bp = Blueprint("widgets", __name__)


@bp.post("/widgets/<int:widget_id>")
def update_widget(widget_id):
    widget = db.session.get(Widget, widget_id)
    # A non-owner gets 403 before a malformed body is parsed.
    require_permission(widget, "edit")
    props = request.get_json(force=True)
    widget.props = props
    db.session.commit()
    return jsonify(ok=True)


@bp.post("/widgets/<int:widget_id>/show")
def show_widget(widget_id):
    widget = Widget.query.get_or_404(widget_id)
    widget.shown = True
    db.session.commit()
    return jsonify(ok=True)
