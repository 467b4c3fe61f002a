"""Job service: units of work (database writes and their commits)."""

from app.extensions import db
from app.models import Job, Visit


def tidy(text):
    return text.strip()


class JobService:
    """Units of work for job: each method writes and commits."""

    @staticmethod
    def create_job(user, title, message, ip, auth_user):
        job = Job(owner=user, title=title)
        job.created_by = user
        job.note = message
        db.session.add(job)
        db.session.add(Visit(ip=ip, user=auth_user))
        db.session.commit()
        return job

    @staticmethod
    def create_samples(user, message, message_2, message_3):
        # Translated titles: their parameters are numbered in the order they are read.
        first = Job(owner=user, title=message)
        second = Job(owner=user, title=message_2)
        third = Job(owner=user, title=message_3)
        db.session.add_all([first, second, third])
        db.session.commit()

    @staticmethod
    def create_tidy_job(raw_title, user):
        # Unwrapping the proxy cannot fail, so reading it before `tidy()` runs changes nothing.
        title = tidy(raw_title)
        job = Job(owner=user, title=title)
        db.session.add(job)
        db.session.commit()
        return job
