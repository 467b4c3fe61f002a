"""Legacy Flask-SQLAlchemy queries (Table D); rewritten with --mode sync by the behaviour tests."""

from fsa_models import Post, User, db


def f1_all(page=None):
    return User.query.filter_by(active=True).order_by(User.name, User.id).all()


def f1_join_dedup():
    return User.query.join(User.posts).order_by(User.id).all()


def f1_first():
    return User.query.filter(User.name == "ann").order_by(User.id.desc()).first()


def f1_count():
    return User.query.filter(User.active).count()


def f2_get():
    return User.query.get(2), User.query.get(99)


def f3_get_or_404_found():
    return User.query.get_or_404(4)


def f3_get_or_404_missing():
    return User.query.get_or_404(99, description="gone")


def f3_get_or_404_described_by_position():
    return User.query.get_or_404(98, "no user 98")


def f4_first_or_404_found():
    return User.query.filter_by(name="ann").order_by(User.id).first_or_404()


def f4_first_or_404_missing():
    return User.query.filter_by(name="zed").first_or_404()


def f4_first_or_404_described_by_position():
    return User.query.filter_by(name="zed").first_or_404("no zed")


def f5_one_or_404_found():
    return User.query.filter_by(name="bob").one_or_404()


def f5_one_or_404_multiple():
    return User.query.filter_by(name="ann").one_or_404()


def f5_one_or_404_described_by_position():
    return User.query.filter_by(name="nobody").one_or_404("nobody")


def f6_paginate():
    page = User.query.order_by(User.id).paginate(page=2, per_page=2, error_out=False)
    return page.items, page.total, page.pages, page.page, page.has_next


def f6_paginate_positional():
    page = User.query.order_by(User.id.desc()).paginate(1, 3)
    return page.items, page.total


def f6_paginate_join():
    page = User.query.join(User.posts).order_by(User.id).paginate(page=1, per_page=10)
    return page.items, page.total


def f7_session_query():
    return db.session.query(User.name).filter(User.active).order_by(User.name).all()


def f1_bulk_update():
    return User.query.filter(User.name == "ann").update({"active": False})


def f1_bulk_delete():
    return Post.query.filter_by(author_id=1).delete()


def f6_paginate_keywords():
    # what `paginate(1, 3)` meant before Flask-SQLAlchemy 3.0 made the arguments keyword-only
    page = User.query.order_by(User.id.desc()).paginate(page=1, per_page=3)
    return page.items, page.total


def f8_variable_bulk_delete(author_id=1):
    q = Post.query
    q = q.filter_by(author_id=author_id)
    return q.delete()


def f8_variable_bulk_update():
    q = db.session.query(User).filter(User.name != "ann")
    return q.update({"active": False}, synchronize_session=False)
