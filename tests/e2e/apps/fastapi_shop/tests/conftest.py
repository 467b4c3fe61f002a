import pytest
from fastapi.testclient import TestClient

from shop.database import configure
from shop.main import app


@pytest.fixture()
def client(tmp_path):
    configure(str(tmp_path / "shop.db"))
    with TestClient(app) as test_client:
        yield test_client
