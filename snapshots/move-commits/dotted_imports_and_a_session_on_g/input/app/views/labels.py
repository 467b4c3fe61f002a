import flask

import app
import app.lib.audit
import app.lib.labels

bp = flask.Blueprint("labels", __name__)


@bp.route("/labels", methods=["POST"])
def create_label():
    name = flask.request.form["name"]
    app.lib.labels.add_label(flask.g.session, name)
    app.lib.audit.record(flask.g.session, "create", name)
    flask.g.session.commit()
    return flask.redirect("/labels")


@bp.route("/labels/count")
def count_labels():
    app.lib.audit.record(flask.g.session, "count", "")
    return "0"


@bp.route("/labels/<int:label_id>", methods=["DELETE"])
def delete_label(label_id):
    label = flask.g.session.get(app.models.Label, label_id)
    try:
        flask.g.session.delete(label)
        flask.g.session.commit()
    except Exception:
        flask.g.session.rollback()
        raise
    return "", 204
