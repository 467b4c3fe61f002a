from flask import Blueprint, request

from app.services.tag_service import TagService

bp = Blueprint("tags", __name__)


@bp.post("/tags")
def create_tag():
    tag = TagService.create_tag(name=request.json["name"])
    return {"id": tag.id}, 201
