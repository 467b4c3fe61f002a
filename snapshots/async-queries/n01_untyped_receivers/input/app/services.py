from app.models import User


class UserService:
    model = User

    def __init__(self, users=User):
        self.users = users

    @classmethod
    def newest(cls):
        return cls.query.order_by(cls.id.desc()).first()

    def everyone(self):
        return self.users.query.all()

    def generic(self):
        return self.model.query.filter_by(name="x").count()


def lookup(model=User):
    return model.query.get(1)
