import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi import Depends, FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTask, BackgroundTasks
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


def archive(report_id: int, *, db: Session) -> None:
    db.get(Report, report_id).archived = True


def notify(report_id: int, db: Session) -> None:
    db.add(Notice(report_id=report_id))


def reindex(db: Session) -> None:
    db.execute(REINDEX)


@app.post("/reports/{report_id}/send")
def send(report_id: int, db: Session = Depends(get_db)):
    return JSONResponse({}, background=BackgroundTask(send_report, report_id, db))


@app.post("/reports/{report_id}/send-all")
def send_all(report_id: int, db: Session = Depends(get_db)):
    tasks = BackgroundTasks()
    tasks.add_task(send_report, report_id, db=db)
    return JSONResponse({}, background=tasks)


@app.post("/reports/{report_id}/refresh")
async def refresh_later(report_id: int, db: Session = Depends(get_db)):
    asyncio.create_task(refresh(report_id, db))
    return {}


@app.post("/reports/{report_id}/archive")
def archive_later(report_id: int, db: Session = Depends(get_db)):
    threading.Thread(
        target=archive,
        kwargs={"report_id": report_id, "db": db},
        daemon=True,
    ).start()
    return {}


@app.post("/reports/reindex")
def reindex_later(db: Session = Depends(get_db)):
    worker = threading.Thread(target=reindex, args=(db,))
    worker.daemon = True
    worker.start()
    return {}


@app.post("/reports/{report_id}/notify")
def notify_later(report_id: int, db: Session = Depends(get_db)):
    executor.submit(notify, report_id, db)
    return {}


@app.post("/reports/{report_id}/notify-soon")
def notify_soon(report_id: int, db: Session = Depends(get_db)):
    threading.Timer(5.0, notify, args=[report_id, db]).start()
    return {}


@app.post("/reports/{report_id}/notify-async")
async def notify_async(report_id: int, db: Session = Depends(get_db)):
    asyncio.get_running_loop().run_in_executor(None, notify, report_id, db)
    return {}
