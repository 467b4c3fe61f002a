from flask import Blueprint

from app.extensions import db
from app.models import Post, User

bp = Blueprint("users", __name__)


@bp.route("/users")
def index():
    return User.query.filter_by(active=True).order_by(User.name).all()


@bp.route("/users/<int:uid>")
def show(uid):
    return User.query.get_or_404(uid, description="no such user")


def get(uid):
    return User.query.get(uid)


def first(name):
    return User.query.filter_by(name=name).first_or_404(description="missing")


def one(name):
    return User.query.filter(User.name == name).one_or_404()


def one_joined(name):
    return User.query.join(User.posts).filter(User.name == name).one_or_404()


def page(number):
    return User.query.order_by(User.id).paginate(page=number, per_page=20, error_out=False)


def page_positional(number):
    return Post.query.paginate(number, 20)


def page_of_rows():
    return User.query.with_entities(User.id, User.name).paginate(page=1)


def count():
    return User.query.filter(User.active).count()


def plain_session():
    return db.session.query(User).filter(User.active).all()


def remove(uid):
    Post.query.filter_by(author_id=uid).delete()
    db.session.commit()
