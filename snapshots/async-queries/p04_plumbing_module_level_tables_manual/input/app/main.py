from fastapi import Depends, FastAPI
from sqlalchemy import Column, Integer, create_engine
from sqlalchemy.orm import Session, declarative_base, sessionmaker

engine = create_engine("sqlite:///./app.db", poolclass=None)
SessionLocal = sessionmaker(bind=engine)
Base = declarative_base()


class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)


Base.metadata.create_all(bind=engine)
app = FastAPI()


def get_db():
    with SessionLocal() as db:
        yield db


@app.get("/notes")
def notes(db: Session = Depends(get_db)):
    return db.query(Note).all()
