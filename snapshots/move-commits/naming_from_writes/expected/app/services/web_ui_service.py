"""Web UI service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Challenge, Job, User


class WebUIService:
    """Units of work for web UI: each method writes and commits."""

    @staticmethod
    def create_job(title):
        job = Job(title=title)
        db.session.add(job)
        db.session.commit()
        return job

    @staticmethod
    def delete_job(job):
        db.session.delete(job)
        db.session.commit()

    @staticmethod
    def publish_job(job):
        job.publish()
        db.session.commit()

    @staticmethod
    def delete_jobs():
        jobs = Job.query.filter_by(done=True).all()
        for job in jobs:
            db.session.delete(job)
        db.session.commit()

    @staticmethod
    def create_challenge():
        db.session.add(Challenge(kind="captcha"))
        db.session.commit()

    @staticmethod
    def reset_password(user, hash_value):
        user.password_hash = hash_value
        db.session.commit()

    @staticmethod
    def create_user(name, email, team, role):
        db.session.add(User(name=name, email=email, team=team, role=role))
        db.session.commit()

    @staticmethod
    def retry_job(job):
        job.attempts += 1
        db.session.commit()

    @staticmethod
    def update_job_status(job):
        job.status = "queued"
        db.session.commit()
