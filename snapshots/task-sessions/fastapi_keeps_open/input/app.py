from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()
app = FastAPI()


def get_db():
    with SessionLocal() as db:
        yield db


def notify(user_id: int, db: Session) -> None:
    db.add(Notice(user_id=user_id))


def audit(user_id: int, db: Session) -> None:
    db.add(AuditEntry(user_id=user_id))


@app.post("/users/{user_id}/notify")
def notify_later(user_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(notify, user_id, db)
    return {}


@app.post("/users/{user_id}/audit")
def audit_later(
    user_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db, scope="function")
):
    tasks.add_task(audit, user_id, db)
    return {}
