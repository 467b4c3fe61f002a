"""Request dependencies: one session per route call, committed when the route succeeds.

`scope="function"` closes the session as soon as the route returns, before the response is sent.
"""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends
from sqlalchemy.orm import Session

from jobs.database import SessionLocal


def get_db() -> Iterator[Session]:
    """The request's session: committed after the route, rolled back on error, then closed."""
    db = SessionLocal()
    try:
        yield db
        db.commit()
    except Exception:
        db.rollback()
        raise
    finally:
        db.close()


DbSession = Annotated[Session, Depends(get_db, scope="function")]
