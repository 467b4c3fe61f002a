from flask import Blueprint, flash, redirect, request

from app.extensions import db
from app.forms import PostForm
from app.models import Category, Post

bp = Blueprint("posts", __name__)
LABELS = {"news": "News"}


@bp.route("/new", methods=["POST"])
def new_post():
    form = PostForm()
    if form.validate_on_submit():
        category = Category.query.get(form.category.data)
        post = Post(title=form.title.data, category=category)
        db.session.add(post)
        db.session.commit()
        return redirect("/")
    return "", 400


@bp.route("/<int:post_id>", methods=["POST"])
def edit_post(post_id):
    post = Post.query.get_or_404(post_id)
    post.category = db.session.get(Category, request.form["category"])
    post.title = request.form["title"]
    db.session.commit()
    flash("saved")
    return redirect("/")


@bp.route("/<int:post_id>/label", methods=["POST"])
def label_post(post_id):
    post = Post.query.get_or_404(post_id)
    post.label = LABELS.get(post.kind, request.form["label"])
    db.session.commit()
    return redirect("/")
