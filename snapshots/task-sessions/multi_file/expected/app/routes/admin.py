from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy.orm import Session

from .. import jobs
from ..deps import get_db

router = APIRouter()


@router.post("/admin/rerun/{job_id}")
def rerun(job_id: str, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(jobs.process_scrape_job, job_id, {"status": "rerun"})
    return {"job_id": job_id}
