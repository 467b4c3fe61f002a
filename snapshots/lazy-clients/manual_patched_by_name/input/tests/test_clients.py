from unittest import mock

from app import clients


def test_charge() -> None:
    with mock.patch("app.clients.payments") as fake:
        fake.post.return_value.status_code = 201
        assert clients.charge(5) == 201
