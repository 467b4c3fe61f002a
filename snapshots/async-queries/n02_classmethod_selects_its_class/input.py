from sqlalchemy import Column, DateTime, Integer, String, func
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class SoftDeleteMixin:
    @classmethod
    def live(cls, session: Session):
        return session.query(cls).filter(cls.deleted_at.is_(None)).all()


class Ticket(SoftDeleteMixin, Base):
    __tablename__ = "tickets"
    id = Column(Integer, primary_key=True)
    status = Column(String)
    deleted_at = Column(DateTime)

    @classmethod
    def status_counts(cls, session: Session):
        q = session.query(cls.status, func.count(cls.id))
        q = q.group_by(cls.status)
        return dict(q.all())

    @classmethod
    def first_open(cls, session: Session):
        return session.query(cls).filter_by(status="open").first()


def values_of(session: Session, field):
    return session.query(field).all()
