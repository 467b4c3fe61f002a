from fastapi import APIRouter, BackgroundTasks, Depends
from sqlalchemy.orm import Session

from api.database import get_db
from api.mail import send_welcome
from api.models import Signup

router = APIRouter()


@router.post("/signups")
def signup(email: str, background: BackgroundTasks, db: Session = Depends(get_db)):
    signup = Signup(email=email)
    db.add(signup)
    background.add_task(send_welcome, email)
    db.commit()
    return {"id": signup.id}
