from app import models


def blocked_from(country):
    # handlers read everything through the package, `db` included
    return models.db.session.scalars(
        models.db.select(models.Visitor).filter_by(country=country, blocked=True)
    ).all()


def block(visitor_id):
    visitor = models.db.session.get(models.Visitor, visitor_id)
    visitor.blocked = True
    models.db.session.commit()
