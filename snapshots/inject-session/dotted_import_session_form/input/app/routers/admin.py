from fastapi import APIRouter

from app.services.reports import report_service

router = APIRouter(prefix="/admin")


@router.get("/reports")
def admin_reports():
    return report_service.latest(limit=50)
