from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()
