import functools

from app.repo import JobRepository


def load(db):
    return JobRepository(db).all()


def load_lazily(db):
    return lambda: load(db)


def each(dbs):
    return list(map(load, dbs))


HANDLERS = {"load": load}


class Report:
    def __init__(self, db):
        self.jobs = load(db)


@functools.lru_cache
def cached(db):
    return load(db)
