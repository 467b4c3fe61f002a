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


@app.post("/reports/{report_id}/send")
def send(report_id: int, db: Session = Depends(get_db)):
    return JSONResponse({}, background=BackgroundTask(send_report, report_id, db))


@app.post("/reports/{report_id}/refresh")
async def refresh_later(report_id: int, db: Session = Depends(get_db)):
    asyncio.create_task(refresh(report_id, db))
    return {}


@app.post("/reports/{report_id}/thread")
def in_thread(report_id: int, db: Session = Depends(get_db)):
    threading.Thread(target=send_report, args=(report_id, db)).start()
    executor.submit(send_report, report_id, db)
    return {}
