"""Label service: units of work (database writes and their commits)."""

import app
import app.lib.audit
import app.lib.labels


class LabelService:
    """Units of work for label: each method writes and commits."""

    @staticmethod
    def create_label(name, session):
        app.lib.labels.add_label(session, name)
        app.lib.audit.record(session, "create", name)
        session.commit()

    @staticmethod
    def delete_label(label_id, session):
        label = session.get(app.models.Label, label_id)
        try:
            session.delete(label)
            session.commit()
        except Exception:
            session.rollback()
            raise
