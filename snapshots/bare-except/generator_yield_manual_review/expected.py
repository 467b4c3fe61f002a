from app.db import SessionLocal


def get_db():
    db = SessionLocal()
    try:
        yield db
    except:  # closed early or failed: release the connection
        db.close()


def stream_rows(db, query):
    try:
        for row in db.execute(query):
            yield row
    except BaseException:
        db.rollback()
        raise


def export(db, query):
    def lines():
        yield from stream_rows(db, query)

    try:
        return list(lines())
    except Exception:
        return None
