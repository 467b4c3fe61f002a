import logging

from fastapi import BackgroundTasks, FastAPI
from sqlalchemy.orm import sessionmaker

logger = logging.getLogger(__name__)

SessionLocal = sessionmaker()
app = FastAPI()


def get_db():
    with SessionLocal() as db:
        yield db


def notify(user_id: int) -> None:
    with SessionLocal() as db:
        try:
            db.add(Notice(user_id=user_id))
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task notify failed")
            raise


def audit(user_id: int) -> None:
    with SessionLocal() as db:
        try:
            db.add(AuditEntry(user_id=user_id))
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task audit failed")
            raise


@app.post("/users/{user_id}/notify")
def notify_later(user_id: int, tasks: BackgroundTasks):
    tasks.add_task(notify, user_id)
    return {}


@app.post("/users/{user_id}/audit")
def audit_later(
    user_id: int, tasks: BackgroundTasks
):
    tasks.add_task(audit, user_id)
    return {}
