from app import models


def blocked_from(country):
    # handlers read everything through the package, `db` included
    return models.Visitor.query.filter_by(country=country, blocked=True).all()


def block(visitor_id):
    visitor = models.Visitor.query.get(visitor_id)
    visitor.blocked = True
    models.db.session.commit()
