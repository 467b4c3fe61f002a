from api import db


class Token(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    hits = db.Column(db.Integer, default=0)

    @staticmethod
    def issue():
        token = Token()
        db.session.add(token)
        db.session.commit()
        return token


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.String(280))

    def update(self, data):
        for name, value in data.items():
            setattr(self, name, value)
