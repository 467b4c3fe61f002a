"""Companies and their job postings."""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Company(Base):
    __tablename__ = "companies"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str]
    jobs: Mapped[list[Job]] = relationship(back_populates="company")


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id"))
    active: Mapped[bool] = mapped_column(default=True)
    salary: Mapped[int] = mapped_column(default=0)
    company: Mapped[Company] = relationship(back_populates="jobs")
