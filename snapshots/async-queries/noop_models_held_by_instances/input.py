from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()


class Repository:
    model = None

    def listed(self, limit):
        # kept as it is, to be built on below
        query = self.model.query
        return query.limit(limit).all()

    def grants(self, user):
        # a class the instance holds (a mixin sets one per model)
        return self.Entry.query.filter_by(user=user).all()
