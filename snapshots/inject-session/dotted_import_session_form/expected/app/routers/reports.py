import app.db
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session
from ..services import ReportService

router = APIRouter()


@router.get("/reports")
def list_reports(db: Session = Depends(app.db.get_db)):
    return ReportService(db).latest()
