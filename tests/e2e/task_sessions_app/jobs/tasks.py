"""Work that runs after the response."""

from sqlalchemy.orm import Session

from jobs.models import Event, Job


def record_event(job_id: int, message: str, db: Session) -> None:
    """Add an event to the job's history (the session's owner commits)."""
    db.add(Event(job_id=job_id, message=message))


def finish_job(job_id: int, db: Session) -> None:
    """Mark the job done and record it."""
    job = db.get(Job, job_id)
    if job is None:
        return
    job.status = "done"
    db.add(Event(job_id=job_id, message="finished"))


def archive_job(job_id: int, db: Session) -> None:
    """Mark the job archived."""
    job = db.get(Job, job_id)
    if job is not None:
        job.status = "archived"
