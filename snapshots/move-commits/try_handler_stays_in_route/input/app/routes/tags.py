from flask import Blueprint, flash, jsonify
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Tag

bp = Blueprint("tags", __name__)


@bp.post("/tags/<label>")
def add_tag(label):
    try:
        db.session.add(Tag(label=label))
        db.session.commit()
    except IntegrityError as error:
        return jsonify(error=str(error.orig)), 409
    return jsonify(label=label), 201


@bp.delete("/tags/<int:tag_id>")
def remove_tag(tag_id):
    try:
        # a bulk delete: no ORM events run
        Tag.query.filter_by(id=tag_id).delete()
        db.session.commit()
        flash("tag removed")
    except IntegrityError:
        return jsonify(error="in use"), 409
    return jsonify(removed=tag_id)
