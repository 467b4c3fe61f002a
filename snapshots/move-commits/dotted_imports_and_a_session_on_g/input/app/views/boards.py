import flask

import app
import app.lib.labels

bp = flask.Blueprint("boards", __name__)


@bp.route("/boards", methods=["POST"])
def create_board():
    app.lib.labels.add_label(flask.g.session, app.settings.DEFAULT_LABEL)
    flask.g.session.commit()
    return flask.redirect("/boards")
