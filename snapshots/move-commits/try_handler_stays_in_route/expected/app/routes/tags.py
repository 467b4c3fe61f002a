from flask import Blueprint, flash, jsonify
from sqlalchemy.exc import IntegrityError

from app.services.tag_service import TagService

bp = Blueprint("tags", __name__)


@bp.post("/tags/<label>")
def add_tag(label):
    try:
        TagService.add_tag(label)
    except IntegrityError as error:
        return jsonify(error=str(error.orig)), 409
    return jsonify(label=label), 201


@bp.delete("/tags/<int:tag_id>")
def remove_tag(tag_id):
    try:
        TagService.remove_tag(tag_id)
        flash("tag removed")
    except IntegrityError:
        return jsonify(error="in use"), 409
    return jsonify(removed=tag_id)
