from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import IntegrityError

from app.services.label_service import LabelService

bp = Blueprint("labels", __name__)


@bp.post("/labels/<name>")
def create_label(name):
    try:
        LabelService.create_tag(name)
    except IntegrityError as error:
        return jsonify(error=str(error.orig)), 409
    except ValueError as problem:
        current_app.logger.warning("bad label %s: %s", name, problem)
        return jsonify(error="bad label"), 400
    return jsonify(label=name), 201
