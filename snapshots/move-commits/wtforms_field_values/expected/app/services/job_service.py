"""Job service: units of work (database writes and their commits)."""

from datetime import datetime, timezone

from app.extensions import db
from app.models import Job


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def update_user_last_seen(user):
        user.last_seen = datetime.now(timezone.utc)
        db.session.commit()

    @staticmethod
    def create_job(title, user):
        job = Job(title=title, owner=user)
        db.session.add(job)
        db.session.commit()

    @staticmethod
    def update_profile(user, about_me):
        user.about_me = about_me
        db.session.commit()

    @staticmethod
    def quick_job(title, user):
        job = Job(title=title, owner=user)
        db.session.add(job)
        db.session.commit()

    @staticmethod
    def titled_job(title, user):
        job = Job(title=title, owner=user)
        db.session.add(job)
        db.session.commit()
