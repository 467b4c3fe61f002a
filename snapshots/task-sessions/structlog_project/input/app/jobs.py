from sqlalchemy.orm import Session

from app.models import Job


def process_job(job_id: int, db: Session) -> None:
    """Run the job."""
    job = db.get(Job, job_id)
    job.status = "done"
