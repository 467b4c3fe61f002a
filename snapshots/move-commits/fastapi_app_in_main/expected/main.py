from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy.orm import Session

from database import get_db
from notify import send_welcome
from services.app_service import AppService

app = FastAPI()


@app.post("/signups")
def signup(email: str, background: BackgroundTasks, db: Session = Depends(get_db)):
    signup = AppService.create_signup(email, db)
    background.add_task(send_welcome, email)
    return {"id": signup.id}
