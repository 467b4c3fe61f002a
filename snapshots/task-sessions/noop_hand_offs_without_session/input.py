import asyncio
import threading

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()
app = FastAPI()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def send_report(report_id: int) -> None:
    with SessionLocal() as db:
        db.get(Report, report_id).sent = True
        db.commit()


def count(db: Session) -> int:
    return db.query(Report).count()


async def refresh(db: Session) -> None:
    db.query(Report).update({"fresh": True})


@app.post("/reports/{report_id}/send")
def send(report_id: int, db: Session = Depends(get_db)):
    threading.Thread(target=send_report, args=(report_id,)).start()
    return {}


@app.get("/reports/count")
async def count_reports(db: Session = Depends(get_db)):
    total = await asyncio.get_running_loop().run_in_executor(None, count, db)
    await asyncio.create_task(refresh(db))
    return {"count": total}
