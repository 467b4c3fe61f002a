from flask import Blueprint, request

from app.extensions import db
from app.models import Tag

bp = Blueprint("tags", __name__)


@bp.post("/tags")
def create_tag():
    tag = Tag(name=request.json["name"])
    db.session.add(tag)
    db.session.commit()
    return {"id": tag.id}, 201
