import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.background import BackgroundTask
from starlette.responses import JSONResponse

SessionLocal = sessionmaker()
app = FastAPI()
executor = ThreadPoolExecutor()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


class Importer:
    def __init__(self, db: Session, source: str = "") -> None:
        self.db = db
        self.source = source

    def run(self) -> None:
        self.db.add(Upload(source=self.source))
        self.db.commit()

    async def refresh(self) -> None:
        self.db.add(Upload(source=self.source))
        self.db.commit()


def run_import(importer: Importer) -> None:
    importer.run()


def check(importer: Importer, db: Session) -> None:
    importer.run()
    db.commit()


def notify(email: str) -> None:
    print(email)


def find_user(db: Session, user_id: int) -> User:
    return db.get(User, user_id)


def make_importer() -> Importer:
    return Importer(SessionLocal())


@app.post("/imports")
def start_import(tasks: BackgroundTasks, db: Session = Depends(get_db)):
    importer = Importer(db)
    tasks.add_task(importer.run)
    return {}


@app.post("/imports/direct")
def start_direct(tasks: BackgroundTasks, db: Session = Depends(get_db)):
    tasks.add_task(Importer(db, "direct").run)
    return {}


@app.post("/imports/argument")
def start_argument(tasks: BackgroundTasks, db: Session = Depends(get_db)):
    importer = Importer(source="api", db=db)
    tasks.add_task(run_import, importer)
    tasks.add_task(run_import, importer=importer)
    tasks.add_task(run_import, importer=Importer(db))
    return {}


@app.post("/imports/checked")
def start_checked(tasks: BackgroundTasks, db: Session = Depends(get_db)):
    importer = Importer(db)
    tasks.add_task(check, importer, db)
    return {}


@app.post("/imports/later")
def start_later(db: Session = Depends(get_db)):
    importer = Importer(db)
    threading.Thread(target=importer.run).start()
    executor.submit(run_import, importer)
    return JSONResponse({}, background=BackgroundTask(importer.run))


@app.post("/imports/soon")
async def start_soon(db: Session = Depends(get_db)):
    importer = Importer(db)
    asyncio.create_task(importer.refresh())
    return {}


@app.post("/imports/{user_id}/welcome")
def welcome(user_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):
    user = find_user(db, user_id)
    tasks.add_task(notify, user.email)
    importer = Importer(db)
    importer = make_importer()
    tasks.add_task(importer.run)
    return {}
