"""Board service: units of work (database writes and their commits)."""

import app
import app.lib.labels


class BoardService:
    """Units of work for board: each method writes and commits."""

    @staticmethod
    def create_board(session):
        app.lib.labels.add_label(session, app.settings.DEFAULT_LABEL)
        session.commit()
