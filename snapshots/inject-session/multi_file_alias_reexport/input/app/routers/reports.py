from fastapi import APIRouter

from ..deps import SessionDep
from ..services import report_service

router = APIRouter()


@router.get("/reports")
def list_reports(db: SessionDep):
    return report_service.latest()


@router.get("/reports/summary")
def summary(days: int = 7):
    return {"days": days, "latest": report_service.latest(limit=1)}
