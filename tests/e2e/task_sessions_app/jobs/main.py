"""The API."""

from fastapi import BackgroundTasks, Depends, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask

from jobs.database import Base, engine
from jobs.deps import DbSession, get_db
from jobs.models import Event, Job
from jobs.tasks import archive_job, finish_job, record_event

Base.metadata.create_all(engine)
app = FastAPI()


@app.post("/jobs")
def create_job(title: str, background_tasks: BackgroundTasks, db: DbSession) -> dict[str, int]:
    """Create a job; its creation is recorded in the background."""
    job = Job(title=title)
    db.add(job)
    db.flush()
    background_tasks.add_task(record_event, job.id, "created", db)
    return {"id": job.id}


@app.post("/jobs/{job_id}/finish")
def finish(
    job_id: int, background_tasks: BackgroundTasks, db: Session = Depends(get_db, scope="function")
) -> dict[str, str]:
    """Finish a job in the background."""
    background_tasks.add_task(finish_job, job_id, db=db)
    return {"status": "queued"}


@app.post("/jobs/{job_id}/archive")
def archive(job_id: int, db: DbSession) -> JSONResponse:
    """Archive a job after the response is sent."""
    return JSONResponse({"status": "queued"}, background=BackgroundTask(archive_job, job_id, db))


@app.get("/jobs/{job_id}")
def show_job(job_id: int, db: DbSession) -> dict[str, object]:
    """A job with its events."""
    job = db.get(Job, job_id)
    events = db.query(Event).filter(Event.job_id == job_id).order_by(Event.id).all()
    return {
        "status": job.status if job else None,
        "events": [event.message for event in events],
    }
