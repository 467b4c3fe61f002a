import structlog

from app.database import SessionLocal
from app.models import Job

logger = structlog.get_logger()


def process_job(job_id: int) -> None:
    """Run the job."""
    with SessionLocal() as db:
        try:
            job = db.get(Job, job_id)
            job.status = "done"
            db.commit()
        except Exception:
            db.rollback()
            logger.exception("Background task process_job failed")
            raise
