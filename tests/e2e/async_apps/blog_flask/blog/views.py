from flask import Blueprint, jsonify, request

from blog import queries
from blog.extensions import db
from blog.models import Author, Post

bp = Blueprint("blog", __name__)


def post_json(post):
    return {"id": post.id, "title": post.title, "author": post.author_id, "views": post.views}


@bp.get("/posts")
def index():
    return jsonify([post_json(p) for p in queries.published_posts()])


@bp.get("/posts/<int:post_id>")
def show(post_id):
    post = Post.query.get_or_404(post_id, description="no such post")
    return jsonify(post_json(post))


@bp.get("/posts/legacy/<int:post_id>")
def show_legacy(post_id):
    post = Post.query.get(post_id)
    return jsonify(post_json(post) if post else None)


@bp.get("/authors/<name>/latest")
def latest(name):
    post = (
        Post.query.join(Post.author)
        .filter(Author.name == name)
        .order_by(Post.id.desc())
        .first_or_404()
    )
    return jsonify(post_json(post))


@bp.get("/authors/<name>/only")
def only(name):
    author = Author.query.filter_by(name=name).one_or_404()
    return jsonify({"id": author.id})


@bp.get("/page")
def page():
    number = request.args.get("page", 1, type=int)
    result = Post.query.order_by(Post.id).paginate(page=number, per_page=2, error_out=False)
    return jsonify(
        {"items": [p.id for p in result.items], "total": result.total, "pages": result.pages}
    )


@bp.get("/stats")
def stats():
    return jsonify(
        {
            "posts": Post.query.count(),
            "published": Post.query.filter(Post.published).count(),
            "most_viewed": db.session.query(db.func.max(Post.views)).scalar(),
            "authors": [a.name for a in queries.prolific_authors()],
            "ann": queries.author_named("ann").id,
        }
    )


@bp.post("/posts/<int:post_id>/view")
def view(post_id):
    changed = Post.query.filter_by(id=post_id).update({Post.views: Post.views + 1})
    db.session.commit()
    return jsonify({"changed": changed})


@bp.delete("/authors/<int:author_id>/drafts")
def purge_drafts(author_id):
    removed = Post.query.filter_by(author_id=author_id, published=False).delete()
    db.session.commit()
    return jsonify({"removed": removed})
