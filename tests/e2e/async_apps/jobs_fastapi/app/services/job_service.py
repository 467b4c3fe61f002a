"""Business logic over the repositories."""

from app.repositories import company_repository
from app.repositories.job_repository import JobRepository


def serialize(job):
    return {
        "id": job.id,
        "title": job.title,
        "company_id": job.company_id,
        "active": job.active,
        "salary": job.salary,
    }


class JobService:
    def __init__(self, db):
        self.db = db
        self.repo = JobRepository(db)

    def browse(self, company_id=None):
        return [serialize(job) for job in self.repo.list_active(company_id)]

    def detail(self, job_id):
        job = self.repo.get(job_id)
        return serialize(job) if job is not None else None

    def stats(self):
        companies = company_repository.companies_with_jobs(self.db)
        return {
            "active": self.repo.count_active(),
            "max_salary": self.repo.max_salary(),
            "companies": [company.name for company in companies],
        }

    def titles(self):
        return [{"id": row.id, "title": row.title} for row in self.repo.titles()]

    def search(self, text):
        return [serialize(job) for job in self.repo.search(text)]

    def post(self, title, company_id, salary):
        existing = self.repo.first_by_title(title)
        if existing is not None:
            return None
        return serialize(self.repo.create(title, company_id, salary))

    def close_company(self, company_id):
        return self.repo.deactivate_company(company_id)

    def remove(self, job_id):
        return self.repo.delete(job_id)
