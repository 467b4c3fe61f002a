from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

import app.db
from app.services.reports import ReportService

router = APIRouter(prefix="/admin")


@router.get("/reports")
def admin_reports(db: Session = Depends(app.db.get_db)):
    return ReportService(db).latest(limit=50)
