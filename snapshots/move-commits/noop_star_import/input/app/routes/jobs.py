from flask import Blueprint, jsonify

from app.extensions import db
from app.models import *

bp = Blueprint("jobs", __name__)


@bp.post("/tags")
def create_tag():
    tag = Tag(name="new")
    db.session.add(tag)
    db.session.commit()
    return jsonify(tag.to_dict()), 201
