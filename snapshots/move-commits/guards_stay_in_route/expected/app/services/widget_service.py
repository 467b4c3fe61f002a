"""Widget service: units of work (database writes and their commits)."""

from app.extensions import db


class WidgetService:
    """Units of work for widget: each method writes and commits."""

    @staticmethod
    def update_widget(widget, props):
        widget.props = props
        db.session.commit()

    @staticmethod
    def update_widget_shown(widget):
        widget.shown = True
        db.session.commit()
