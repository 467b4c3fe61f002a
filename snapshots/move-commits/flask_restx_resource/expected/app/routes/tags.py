from flask import request
from flask_restx import Namespace, Resource

from app.extensions import db
from app.models import Tag
from app.services.tag_service import TagService

ns = Namespace("tags")


@ns.route("/")
class TagList(Resource):
    def post(self):
        tag = TagService.create_tag(name=request.get_json()["name"])
        return tag.to_dict(), 201


@ns.route("/<int:tag_id>")
class TagItem(Resource):
    def put(self, tag_id):
        tag = db.session.get(Tag, tag_id)
        if tag is None:
            ns.abort(404)
        TagService.update_tag_name(tag, name=request.get_json()["name"])
        return tag.to_dict()
