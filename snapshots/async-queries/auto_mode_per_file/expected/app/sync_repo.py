from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import User


def active(db: Session):
    return db.scalars(select(User).where(User.active)).all()
