"""Scrape jobs."""

from sqlalchemy.orm import Session

from app.models import ScrapeJob


def process_scrape_job(job_id: str, job_data: dict, db: Session) -> None:
    job = db.get(ScrapeJob, job_id)
    job.results = job_data
    db.commit()


def describe(job: ScrapeJob) -> str:
    return f"{job.id}: {job.status}"
