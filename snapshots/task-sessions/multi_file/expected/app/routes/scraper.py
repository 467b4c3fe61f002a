from fastapi import APIRouter, BackgroundTasks

from app.jobs import process_scrape_job

router = APIRouter()


@router.post("/start")
async def start_scraper(job_id: str, background_tasks: BackgroundTasks):
    updated_job = {"status": "running"}
    background_tasks.add_task(process_scrape_job, job_id, updated_job)
    return {"job_id": job_id}
