from flask import Blueprint

from ..extensions import db
from ..models import Tag
from . import util
from .util import parse_body

bp = Blueprint("tags", __name__)


@bp.post("/tags")
def create_tag():
    data = parse_body("TagCreate")
    tag = Tag(label=data["label"])
    db.session.add(tag)
    db.session.commit()
    return {"id": tag.id}, 201


@bp.put("/tags/<int:tag_id>")
def rename_tag(tag_id):
    tag = Tag.query.get(tag_id)
    tag.label = util.parse_body("TagRename")["label"]
    db.session.commit()
    return {"id": tag.id}
