import logging

from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from models import Job

logger = logging.getLogger(__name__)

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine)
app = FastAPI()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def process_job(job_id: int) -> None:
    """Run the job."""
    with SessionLocal() as db:
        try:
            job = db.get(Job, job_id)
            # the status the dashboard shows
            job.status = "done"
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task process_job failed")
            raise


@app.post("/jobs/{job_id}/run")
def run_job(job_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    job = db.get(Job, job_id)
    job.status = "queued"
    db.commit()
    tasks.add_task(process_job, job_id)
    return {"queued": job_id}
