from flask import request

from app.extensions import db
from app.models import Tag


def rename_tag(tag_id):
    tag = db.session.get(Tag, tag_id)
    tag.name = request.form["name"]
    db.session.commit()
    return {"id": tag.id, "name": tag.name}
