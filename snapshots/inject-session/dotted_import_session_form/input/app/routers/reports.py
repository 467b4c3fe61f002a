import app.db
from fastapi import APIRouter, Depends
from sqlalchemy.orm import Session

from ..services import report_service

router = APIRouter()


@router.get("/reports")
def list_reports(db: Session = Depends(app.db.get_db)):
    return report_service.latest()
