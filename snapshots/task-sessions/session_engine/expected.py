import logging
from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from models import Report

log = logging.getLogger("reports")
engine = create_engine("postgresql://localhost/reports")
router = APIRouter()


def get_session():
    with Session(engine) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def build_report(report_id: int, *, notify: bool = False):
    with Session(engine) as session:
        try:
            report = session.get(Report, report_id)
            report.build()
            session.commit()
        except Exception:
            session.rollback()
            log.exception("Background task build_report failed")
            raise


@router.post("/reports/{report_id}")
def request_report(report_id: int, background_tasks: BackgroundTasks):
    background_tasks.add_task(
        build_report,
        report_id,
        notify=True,
    )
    return {"ok": True}
