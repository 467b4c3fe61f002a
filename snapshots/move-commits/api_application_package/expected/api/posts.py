from flask import Blueprint, request

from api.services.post_service import PostService

posts = Blueprint("posts", __name__)


@posts.route("/posts/<int:id>", methods=["PUT"])
def put(id):
    post = PostService.update_post(id, payload=request.get_json())
    return {"id": post.id}
