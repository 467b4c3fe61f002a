"""Company queries as module functions."""

from sqlalchemy.ext.asyncio import AsyncSession

from app.models import Company


def companies_with_jobs(db: AsyncSession):
    # one row per company even though the join repeats companies with several jobs
    return db.query(Company).join(Company.jobs).order_by(Company.id).all()
