import pytest
from forum import create_app, db
from forum.models import Reply, Topic


@pytest.fixture()
def client():
    app = create_app()
    with app.app_context():
        db.create_all()
        db.session.add_all(
            [Topic(id=1, title="a"), Topic(id=2, title="b"), Topic(id=3, title="cc")]
        )
        db.session.add_all(
            [
                Reply(id=1, topic_id=1, body="first"),
                Reply(id=2, topic_id=1, body="spam", hidden=True),
                Reply(id=3, topic_id=1, body="third"),
            ]
        )
        db.session.commit()
        yield app.test_client()
        db.session.remove()
        db.drop_all()
