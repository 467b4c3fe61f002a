from fastapi import FastAPI

from notes.routers import notes

app = FastAPI()
app.include_router(notes.router)
