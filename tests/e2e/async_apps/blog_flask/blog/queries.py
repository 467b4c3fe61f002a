"""Lookups used by the views; this module never imports `db` itself."""

from blog.models import Author, Post


def published_posts():
    return Post.query.filter_by(published=True).order_by(Post.id).all()


def author_named(name):
    return Author.query.filter(Author.name == name).first()


def prolific_authors():
    # authors with at least one post, once each
    return Author.query.join(Author.posts).order_by(Author.id).all()
