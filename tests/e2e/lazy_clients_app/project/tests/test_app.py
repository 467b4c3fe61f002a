"""The app must import, and serve what does not need the payments provider, without its URL."""

import importlib
import sys
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient


def _fresh_app() -> FastAPI:
    for name in [m for m in sys.modules if m == "billing" or m.startswith("billing.")]:
        del sys.modules[name]
    module = importlib.import_module("billing.main")
    app: FastAPI = module.app
    return app


@pytest.fixture
def unset(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("PAYMENTS_URL", raising=False)
    yield


def test_imports_and_serves_health_without_payments_url(unset: None) -> None:
    client = TestClient(_fresh_app())
    assert client.get("/health").json() == {"status": "ok"}


def test_provider_needs_payments_url_only_when_called(unset: None) -> None:
    client = TestClient(_fresh_app(), raise_server_exceptions=True)
    with pytest.raises(KeyError, match="PAYMENTS_URL"):
        client.get("/payments/provider")


def test_provider_with_payments_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAYMENTS_URL", "https://payments.example.test/v1/")
    client = TestClient(_fresh_app())
    assert client.get("/payments/provider").json() == {
        "base_url": "https://payments.example.test/v1/",
        "host": "payments.example.test",
    }
    assert client.get("/payments/timeout").json() == {"read": 5.0}
