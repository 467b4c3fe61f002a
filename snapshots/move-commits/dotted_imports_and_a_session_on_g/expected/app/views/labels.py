import flask

import app
import app.lib.audit
from app.services.label_service import LabelService

bp = flask.Blueprint("labels", __name__)


@bp.route("/labels", methods=["POST"])
def create_label():
    name = flask.request.form["name"]
    LabelService.create_label(name, session=flask.g.session)
    return flask.redirect("/labels")


@bp.route("/labels/count")
def count_labels():
    app.lib.audit.record(flask.g.session, "count", "")
    return "0"


@bp.route("/labels/<int:label_id>", methods=["DELETE"])
def delete_label(label_id):
    LabelService.delete_label(label_id, session=flask.g.session)
    return "", 204
