"""The FastAPI application."""

from fastapi import FastAPI

from app.routers.jobs import router

app = FastAPI()
app.include_router(router)
