from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from notes.db import configure
from notes.main import app


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    configure(str(tmp_path / "notes.db"))
    with TestClient(app) as test_client:
        yield test_client
