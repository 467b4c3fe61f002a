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


def copy_rows(source, target) -> None:
    target.add_all(source.scalars(select(Row)).all())


@app.post("/copy/in")
def copy_in(tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(copy_rows, db, archive)
    return {}


@app.post("/copy/out")
def copy_out(tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(copy_rows, archive, db)
    return {}
