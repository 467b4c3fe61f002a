from flask import Blueprint, flash, redirect, request

from app.forms import PostForm
from app.models import Post
from app.services.post_service import PostService

bp = Blueprint("posts", __name__)


@bp.route("/new", methods=["POST"])
def new_post():
    form = PostForm()
    if form.validate_on_submit():
        PostService.create_post(category_id=form.category.data, title=form.title.data)
        return redirect("/")
    return "", 400


@bp.route("/<int:post_id>", methods=["POST"])
def edit_post(post_id):
    post = Post.query.get_or_404(post_id)
    PostService.edit_post(
        post, category_id=request.form["category"], title=request.form["title"]
    )
    flash("saved")
    return redirect("/")


@bp.route("/<int:post_id>/label", methods=["POST"])
def label_post(post_id):
    post = Post.query.get_or_404(post_id)
    PostService.label_post(post, label=request.form["label"])
    return redirect("/")
