from app.models import User


def by_name(name):
    return User.query.filter_by(name=name).first()


def everyone():
    return User.query.order_by(User.name).all()


def one(user_id):
    return User.query.get(user_id)


def how_many():
    return User.query.count()


def page(n):
    return User.query.paginate(page=n)
