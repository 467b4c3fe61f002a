from fastapi import BackgroundTasks

from app.database import SessionLocal
from app.routes import rebuild


def main() -> None:
    tasks = BackgroundTasks()
    with SessionLocal() as session:
        rebuild(tasks, db=session)
