"""The models."""

from sqlalchemy.orm import Mapped, mapped_column

from jobs.database import Base


class Job(Base):
    """A job someone asked for."""

    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    status: Mapped[str] = mapped_column(default="new")


class Event(Base):
    """Something that happened to a job."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    job_id: Mapped[int]
    message: Mapped[str]
