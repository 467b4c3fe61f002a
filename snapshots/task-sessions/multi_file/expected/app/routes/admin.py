from fastapi import APIRouter, BackgroundTasks

from .. import jobs

router = APIRouter()


@router.post("/admin/rerun/{job_id}")
def rerun(job_id: str, tasks: BackgroundTasks):
    tasks.add_task(jobs.process_scrape_job, job_id, {"status": "rerun"})
    return {"job_id": job_id}
