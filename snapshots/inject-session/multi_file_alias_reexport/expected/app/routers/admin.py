from fastapi import APIRouter

from app.deps import SessionDep
from app.services.reports import ReportService

router = APIRouter(prefix="/admin")


@router.get("/reports")
def admin_reports(db: SessionDep):
    return ReportService(db).latest(limit=50)
