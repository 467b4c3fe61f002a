import pytest

from app import create_app
from app.events import published


@pytest.fixture()
def app():
    published.clear()
    return create_app()


@pytest.fixture()
def client(app):
    return app.test_client()
