from sqlalchemy.orm import Session

from app.models import User


def active(db: Session):
    return db.query(User).filter(User.active).all()
