from app.jobs import load


def test_load(db):
    assert load(db) == []
