from fastapi import APIRouter

from ..deps import SessionDep
from ..services import ReportService

router = APIRouter()


@router.get("/reports")
def list_reports(db: SessionDep):
    return ReportService(db).latest()


@router.get("/reports/summary")
def summary(db: SessionDep, days: int = 7):
    return {"days": days, "latest": ReportService(db).latest(limit=1)}
