from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy.orm import Session

from platform_db import get_db

app = FastAPI()


def send_report(report_id: int, db: Session) -> None:
    db.get(Report, report_id).sent = True


@app.post("/reports/{report_id}/send")
def send(report_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(send_report, report_id, db)
    return {}
