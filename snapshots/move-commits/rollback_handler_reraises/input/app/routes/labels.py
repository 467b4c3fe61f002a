from flask import Blueprint, current_app, jsonify
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Tag

bp = Blueprint("labels", __name__)


@bp.post("/labels/<name>")
def create_label(name):
    try:
        db.session.add(Tag(label=name))
        db.session.commit()
    except IntegrityError as error:
        # the name is taken: say so, with the database's own words
        db.session.rollback()
        return jsonify(error=str(error.orig)), 409
    except ValueError as problem:
        db.session.rollback()
        current_app.logger.warning("bad label %s: %s", name, problem)
        return jsonify(error="bad label"), 400
    return jsonify(label=name), 201
