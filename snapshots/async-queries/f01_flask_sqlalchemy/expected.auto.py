from flask import Blueprint

from app.extensions import db
from app.models import Post, User

bp = Blueprint("users", __name__)


@bp.route("/users")
def index():
    return db.session.scalars(
        db.select(User).filter_by(active=True).order_by(User.name)
    ).all()


@bp.route("/users/<int:uid>")
def show(uid):
    return db.get_or_404(User, uid, description="no such user")


def get(uid):
    return db.session.get(User, uid)


def first(name):
    return db.first_or_404(
        db.select(User).filter_by(name=name).limit(1), description="missing"
    )


def one(name):
    return db.one_or_404(db.select(User).where(User.name == name))


def one_joined(name):
    return User.query.join(User.posts).filter(User.name == name).one_or_404()


def page(number):
    return db.paginate(
        db.select(User).order_by(User.id), page=number, per_page=20, error_out=False
    )


def page_positional(number):
    return db.paginate(db.select(Post), page=number, per_page=20)


def page_of_rows():
    return User.query.with_entities(User.id, User.name).paginate(page=1)


def count():
    return db.session.scalar(
        db.select(db.func.count()).select_from(User).where(User.active)
    )


def plain_session():
    return db.session.scalars(db.select(User).where(User.active)).all()


def remove(uid):
    db.session.execute(db.delete(Post).filter_by(author_id=uid))
    db.session.commit()
