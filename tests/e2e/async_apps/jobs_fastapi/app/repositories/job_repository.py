"""Job data access. Still written for a sync Session, although the app runs on AsyncSession."""

from sqlalchemy import func, or_
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Company, Job


class JobRepository:
    def __init__(self, db: AsyncSession):
        self.db = db

    def list_active(self, company_id=None):
        q = self.db.query(Job).filter(Job.active)
        if company_id is not None:
            q = q.filter(Job.company_id == company_id)
        return q.order_by(Job.id).all()

    def get(self, job_id):
        return self.db.query(Job).get(job_id)

    def count_active(self):
        return self.db.query(Job).filter(Job.active).count()

    def max_salary(self):
        return self.db.query(func.max(Job.salary)).scalar()

    def titles(self):
        return self.db.query(Job.id, Job.title).order_by(Job.id).all()

    def search(self, text):
        pattern = f"%{text}%"
        return (
            self.db.query(Job)
            .join(Job.company)
            .filter(or_(Job.title.ilike(pattern), Company.name.ilike(pattern)))
            .order_by(Job.id)
            .all()
        )

    def first_by_title(self, title):
        return self.db.query(Job).filter_by(title=title).order_by(Job.id).first()

    def create(self, title, company_id, salary):
        job = Job(title=title, company_id=company_id, salary=salary)
        self.db.add(job)
        self.db.commit()
        self.db.refresh(job)
        return job

    def deactivate_company(self, company_id):
        changed = (
            self.db.query(Job)
            .filter(Job.company_id == company_id)
            .update({"active": False}, synchronize_session="fetch")
        )
        self.db.commit()
        return changed

    def delete(self, job_id):
        job = self.get(job_id)
        if job is None:
            return False
        self.db.delete(job)
        self.db.commit()
        return True
