from app.extensions import db


def rename_user(user, name):
    user.name = name
    db.session.commit()
