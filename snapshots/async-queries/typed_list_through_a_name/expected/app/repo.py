from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import db
from app.models import Report


def owned_reports(session: Session, owner: int) -> list[Report]:
    found = list(session.scalars(select(Report).where(Report.owner_id == owner)).all())
    return found


def newest_first(session: Session, owner: int) -> list[int]:
    reports = list(
        session.scalars(select(Report).where(Report.owner_id == owner)).all()
    )
    reports.sort(key=lambda report: report.id, reverse=True)
    return [report.id for report in reports]


def with_draft(session: Session, draft: Report) -> int:
    reports = list(session.scalars(select(Report)).all())
    reports += [draft]
    reports[0] = draft
    return len(reports)


def declared(session: Session, owner: int | None) -> int:
    kept: list[Report] = []
    if owner is not None:
        kept = list(
            session.scalars(select(Report).where(Report.owner_id == owner)).all()
        )
    return len(kept)


def only_read(session: Session) -> int:
    reports = session.scalars(select(Report)).all()
    return sum(report.id for report in reports)


def as_sequence(session: Session) -> Sequence[Report]:
    reports = session.scalars(select(Report)).all()
    return reports


def untyped():
    reports = list(db.session.scalars(db.select(Report)).all())
    reports.sort(key=lambda report: report.id)
    return reports


def by_owner(session: Session, owners: list[int]) -> dict[int, list[Report]]:
    # a mapping of lists: what is taken from it and stored into it is a list
    cache: dict[int, list[Report]] = {}
    for owner in owners:
        reports = cache.get(owner)
        if reports is None:
            reports = list(
                session.scalars(select(Report).where(Report.owner_id == owner)).all()
            )
            cache[owner] = reports
    return cache


def stored(session: Session, seen: dict[int, list[Report]], owner: int) -> None:
    reports = list(
        session.scalars(select(Report).where(Report.owner_id == owner)).all()
    )
    seen[owner] = reports


def counted(session: Session, sizes: dict[int, int], owner: int) -> None:
    # a mapping of counts: the result is only measured, never stored
    reports = session.scalars(select(Report).where(Report.owner_id == owner)).all()
    sizes[owner] = len(reports)
