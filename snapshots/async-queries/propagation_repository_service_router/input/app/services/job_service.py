from app.repositories.job_repository import JobRepository


class JobService:
    def __init__(self, db):
        self.repo = JobRepository(db)

    def browse(self):
        jobs = self.repo.list_active()
        return [job for job in jobs if job.visible]

    def detail(self, job_id):
        job = self.repo.get(job_id)
        if job is None:
            raise LookupError(job_id)
        return job

    def title_case(self, text):
        return text.title()


def count_jobs(db):
    return JobRepository(db).count()
