"""A stand-in for a message bus: records what was published and what the database said then."""

from app.extensions import db

published: list[tuple[str, int, str]] = []


def publish(kind: str, job_id: int) -> None:
    from app.models import Job

    # Read the committed state in a fresh query, as a worker would.
    status = db.session.execute(db.select(Job.status).where(Job.id == job_id)).scalar_one()
    published.append((kind, job_id, status))
