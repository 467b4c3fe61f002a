from app.models import Ranger, db


def newest_ranger():
    return db.session.scalars(db.select(Ranger).order_by(Ranger.id.desc()).limit(1)).first()


def in_park(query, park):
    return query.filter(Ranger.park == park)


def rangers_of(park):
    # the one legacy use left in this file: a Query handed to a helper
    return in_park(Ranger.query, park).all()
