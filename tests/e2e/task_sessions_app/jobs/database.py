"""Engine and session factory (a sqlite file named by JOBS_DB)."""

import os

from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase, sessionmaker

engine = create_engine(f"sqlite:///{os.environ.get('JOBS_DB', 'jobs.db')}")
SessionLocal = sessionmaker(bind=engine)


class Base(DeclarativeBase):
    """Declarative base of the models."""
