import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi import FastAPI
from sqlalchemy.orm import sessionmaker
from starlette.background import BackgroundTask, BackgroundTasks
from starlette.responses import JSONResponse

logger = logging.getLogger(__name__)

SessionLocal = sessionmaker()
app = FastAPI()
executor = ThreadPoolExecutor()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def send_report(report_id: int) -> None:
    with SessionLocal() as db:
        try:
            db.get(Report, report_id).sent = True
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task send_report failed")
            raise


async def refresh(report_id: int) -> None:
    with SessionLocal() as db:
        try:
            db.get(Report, report_id).fresh = True
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task refresh failed")
            raise


def archive(report_id: int) -> None:
    with SessionLocal() as db:
        try:
            db.get(Report, report_id).archived = True
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task archive failed")
            raise


def notify(report_id: int) -> None:
    with SessionLocal() as db:
        try:
            db.add(Notice(report_id=report_id))
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task notify failed")
            raise


def reindex() -> None:
    with SessionLocal() as db:
        try:
            db.execute(REINDEX)
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task reindex failed")
            raise


@app.post("/reports/{report_id}/send")
def send(report_id: int):
    return JSONResponse({}, background=BackgroundTask(send_report, report_id))


@app.post("/reports/{report_id}/send-all")
def send_all(report_id: int):
    tasks = BackgroundTasks()
    tasks.add_task(send_report, report_id)
    return JSONResponse({}, background=tasks)


@app.post("/reports/{report_id}/refresh")
async def refresh_later(report_id: int):
    asyncio.create_task(refresh(report_id))
    return {}


@app.post("/reports/{report_id}/archive")
def archive_later(report_id: int):
    threading.Thread(
        target=archive,
        kwargs={"report_id": report_id},
        daemon=True,
    ).start()
    return {}


@app.post("/reports/reindex")
def reindex_later():
    worker = threading.Thread(target=reindex)
    worker.daemon = True
    worker.start()
    return {}


@app.post("/reports/{report_id}/notify")
def notify_later(report_id: int):
    executor.submit(notify, report_id)
    return {}


@app.post("/reports/{report_id}/notify-soon")
def notify_soon(report_id: int):
    threading.Timer(5.0, notify, args=[report_id]).start()
    return {}


@app.post("/reports/{report_id}/notify-async")
async def notify_async(report_id: int):
    asyncio.get_running_loop().run_in_executor(None, notify, report_id)
    return {}
