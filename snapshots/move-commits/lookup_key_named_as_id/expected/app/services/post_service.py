"""Post service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Category, Post

LABELS = {"news": "News"}


class PostService:
    """Units of work for post: each method writes and commits."""

    @staticmethod
    def create_post(category_id, title):
        category = Category.query.get(category_id)
        post = Post(title=title, category=category)
        db.session.add(post)
        db.session.commit()

    @staticmethod
    def edit_post(post, category_id, title):
        post.category = db.session.get(Category, category_id)
        post.title = title
        db.session.commit()

    @staticmethod
    def label_post(post, label):
        post.label = LABELS.get(post.kind, label)
        db.session.commit()
