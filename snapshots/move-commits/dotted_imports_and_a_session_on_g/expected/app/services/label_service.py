"""Label service: units of work (database writes and their commits)."""

import app.lib.audit
import app.lib.labels


class LabelService:
    """Units of work for label: each method writes and commits."""

    @staticmethod
    def create_label(name, session):
        app.lib.labels.add_label(session, name)
        app.lib.audit.record(session, "create", name)
        session.commit()
