import structlog
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

log = structlog.get_logger()

engine = create_engine("sqlite:///app.db")
SessionLocal = sessionmaker(bind=engine)


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        log.debug("session closed")
        db.close()
