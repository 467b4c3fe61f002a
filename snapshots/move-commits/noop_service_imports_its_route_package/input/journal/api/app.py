from fastapi import FastAPI

from .handlers import entries

app = FastAPI()
app.include_router(entries.router)
