"""Scrape jobs."""

import logging

from app.database import SessionLocal
from app.models import ScrapeJob

logger = logging.getLogger(__name__)


def process_scrape_job(job_id: str, job_data: dict) -> None:
    with SessionLocal() as db:
        try:
            job = db.get(ScrapeJob, job_id)
            job.results = job_data
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task process_scrape_job failed")
            raise


def describe(job: ScrapeJob) -> str:
    return f"{job.id}: {job.status}"
