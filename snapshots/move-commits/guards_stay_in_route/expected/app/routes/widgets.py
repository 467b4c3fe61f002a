from flask import Blueprint, jsonify, request

from app.auth import require_permission
from app.extensions import db
from app.models import Widget
from app.services.widget_service import WidgetService

bp = Blueprint("widgets", __name__)


@bp.post("/widgets/<int:widget_id>")
def update_widget(widget_id):
    widget = db.session.get(Widget, widget_id)
    # A non-owner gets 403 before a malformed body is parsed.
    require_permission(widget, "edit")
    props = request.get_json(force=True)
    WidgetService.update_widget(widget, props)
    return jsonify(ok=True)


@bp.post("/widgets/<int:widget_id>/show")
def show_widget(widget_id):
    widget = Widget.query.get_or_404(widget_id)
    WidgetService.update_widget_shown(widget)
    return jsonify(ok=True)
