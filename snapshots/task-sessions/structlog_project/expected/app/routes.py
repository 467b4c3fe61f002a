from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy.orm import Session

from app.database import get_db
from app.jobs import process_job

router = APIRouter()


@router.post("/jobs/{job_id}/run")
def run_job(job_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(process_job, job_id)
    return {"queued": job_id}
