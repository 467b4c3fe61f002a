from flask import Blueprint

from ..services.tag_service import TagService
from . import util
from .util import parse_body

bp = Blueprint("tags", __name__)


@bp.post("/tags")
def create_tag():
    data = parse_body("TagCreate")
    tag = TagService.create_tag(label=data["label"])
    return {"id": tag.id}, 201


@bp.put("/tags/<int:tag_id>")
def rename_tag(tag_id):
    tag = TagService.rename_tag(tag_id, parse_body=util.parse_body("TagRename"))
    return {"id": tag.id}
