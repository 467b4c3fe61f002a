from sqlalchemy.orm import Session

from app.models import User
from sqlalchemy import select


def active(db: Session):
    return db.scalars(select(User).where(User.active)).all()
