from fastapi import BackgroundTasks, Depends, FastAPI
from sqlalchemy.orm import Session

from database import get_db
from models import Signup
from notify import send_welcome

app = FastAPI()


@app.post("/signups")
def signup(email: str, background: BackgroundTasks, db: Session = Depends(get_db)):
    signup = Signup(email=email)
    db.add(signup)
    db.commit()
    background.add_task(send_welcome, email)
    return {"id": signup.id}
