import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTask
from starlette.responses import JSONResponse

SessionLocal = sessionmaker()
app = FastAPI()
executor = ThreadPoolExecutor()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def send_report(report_id: int, db: Session) -> None:
    db.get(Report, report_id).sent = True


async def refresh(report_id: int, db: Session) -> None:
    db.get(Report, report_id).fresh = True


def count(db: Session) -> int:
    return db.query(Report).count()


def touch(report_id: int, db: Session) -> None:
    db.get(Report, report_id).touched = True


def lookup(report_id: int, db: Session) -> None:
    db.get(Report, report_id)


@app.post("/reports/{report_id}/send")
def send_and_wait(report_id: int, db: Session = Depends(get_db)):
    worker = threading.Thread(target=send_report, args=(report_id, db))
    worker.start()
    worker.join()
    return {}


@app.post("/reports/{report_id}/refresh")
async def refresh_now(report_id: int, db: Session = Depends(get_db)):
    task = asyncio.create_task(refresh(report_id, db))
    await task
    return {}


@app.get("/reports/count")
def count_reports(db: Session = Depends(get_db)):
    future = executor.submit(count, db)
    return {"count": future.result()}


@app.post("/reports/{report_id}/touch")
def touch_later(report_id: int, db: Session = Depends(get_db)):
    return JSONResponse({}, background=BackgroundTask(lambda: touch(report_id, db)))


@app.get("/reports/{report_id}/lookup")
async def lookup_soon(report_id: int, db: Session = Depends(get_db)):
    asyncio.ensure_future(lookup(report_id, db))
    return {}
