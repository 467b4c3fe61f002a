from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy.orm import Session, sessionmaker

SessionLocal = sessionmaker()
app = FastAPI()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def send_report(report_id: int, db: Session) -> None:
    db.get(Report, report_id).sent = True

def run_all(*steps, **options):
    for step in steps:
        step(**options)


@app.post("/reports/{report_id}/send")
def send(report_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(run_all, report_id, db)
    return {}
