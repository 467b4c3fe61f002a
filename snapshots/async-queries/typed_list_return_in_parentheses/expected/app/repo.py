from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Report


def reports(session: Session, owner: int) -> list[Report]:
    return list(
        session.scalars(
            select(Report).where(Report.owner_id == owner).order_by(Report.id)
        ).all()
    )


def reports2(session: Session, owner: int) -> list[Report]:
    return list(session.scalars(select(Report).where(Report.owner_id == owner)).all())


def visible_reports(session: Session, owner: int | None):
    if owner is None:
        found = []
    else:
        found = list(
            session.scalars(select(Report).where(Report.owner_id == owner)).all()
        )
    shown = session.scalars(select(Report).where(Report.owner_id == 0)).all()
    return found, shown
