"""The FastAPI application."""

from __future__ import annotations

from fastapi import FastAPI

from app.api.routes import router
from app.db import Base, engine

Base.metadata.create_all(engine)

app = FastAPI()
app.include_router(router)
