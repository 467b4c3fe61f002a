"""Database session dependency."""


def get_db():
    yield None
