from sqlalchemy import Column, DateTime, Integer, String, func, select
from sqlalchemy.orm import Session, declarative_base

Base = declarative_base()


class SoftDeleteMixin:
    @classmethod
    def live(cls, session: Session):
        return session.scalars(select(cls).where(cls.deleted_at.is_(None))).all()


class Ticket(SoftDeleteMixin, Base):
    __tablename__ = "tickets"
    id = Column(Integer, primary_key=True)
    status = Column(String)
    deleted_at = Column(DateTime)

    @classmethod
    def status_counts(cls, session: Session):
        q = select(cls.status, func.count(cls.id))
        q = q.group_by(cls.status)
        return dict(session.execute(q).all())

    @classmethod
    def first_open(cls, session: Session):
        return session.scalars(select(cls).filter_by(status="open").limit(1)).first()


def values_of(session: Session, field):
    return session.query(field).all()
