import logging

from app.extensions import db


def save_to_db(item, msg="saved"):
    logging.info(msg)
    db.session.add(item)
    db.session.commit()
    return True
