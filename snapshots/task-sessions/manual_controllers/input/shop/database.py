from sqlalchemy.orm import sessionmaker

SessionLocal = sessionmaker()


def get_db():
    db = SessionLocal()
    try:
        yield db
    finally:
        db.close()


def get_settings():
    return {"currency": "EUR"}
