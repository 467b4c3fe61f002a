"""Models."""


class Signup:
    def __init__(self, email):
        self.email = email
        self.id = None
