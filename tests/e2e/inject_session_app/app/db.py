"""Engine, session factory and the request-scoped session dependency."""

from __future__ import annotations

import os
from collections.abc import Iterator

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

engine = create_engine(
    os.environ.get("DATABASE_URL", "sqlite:///./app.db"),
    connect_args={"check_same_thread": False},
)
SessionLocal = sessionmaker(bind=engine, autoflush=False)


class Base(DeclarativeBase):
    """Declarative base of the models."""


def get_db() -> Iterator[Session]:
    """One session per request, closed when the response is sent."""
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
