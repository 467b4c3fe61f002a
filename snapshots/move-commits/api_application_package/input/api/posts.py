from flask import Blueprint, request

from api import db
from api.models import Post

posts = Blueprint("posts", __name__)


@posts.route("/posts/<int:id>", methods=["PUT"])
def put(id):
    post = db.session.get(Post, id)
    post.update(request.get_json())
    db.session.commit()
    return {"id": post.id}
