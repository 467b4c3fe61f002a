import pytest
from blog import create_app
from blog.extensions import db
from blog.models import Author, Post


@pytest.fixture()
def client():
    app = create_app()
    with app.app_context():
        db.create_all()
        db.session.add_all(
            [
                Author(id=1, name="ann"),
                Author(id=2, name="bob"),
                Author(id=3, name="cid"),
                Post(id=1, title="Hello", published=True, views=3, author_id=1),
                Post(id=2, title="Again", published=True, views=7, author_id=1),
                Post(id=3, title="Draft", published=False, author_id=1),
                Post(id=4, title="Bob's", published=True, views=1, author_id=2),
                Post(id=5, title="Bob's draft", published=False, author_id=2),
            ]
        )
        db.session.commit()
        yield app.test_client()
        db.session.remove()
