from sqlalchemy import Column, ForeignKey, Integer, MetaData, Table, func, select
from sqlalchemy.orm import Session

metadata = MetaData()

# an association table: selecting it gives rows, as columns do
memberships = Table(
    "memberships",
    metadata,
    Column("team_id", Integer, ForeignKey("team.id"), primary_key=True),
    Column("user_id", Integer, ForeignKey("user.id"), primary_key=True),
)


def team_size(session: Session, team_id):
    return session.scalar(
        select(func.count()).select_from(
            select(memberships)
            .where(memberships.columns.get("team_id") == team_id)
            .subquery()
        )
    )


def team_rows(session: Session, team_id):
    return session.execute(
        select(memberships).where(memberships.c.team_id == team_id)
    ).all()


def first_member(session: Session, team_id):
    return session.execute(
        select(memberships.c.user_id).where(memberships.c.team_id == team_id).limit(1)
    ).first()


def shadowed(session: Session, memberships):
    # a parameter of the same name: nobody can tell what it holds
    return session.query(memberships).all()


def shadowed_variable(session: Session, memberships):
    # the same through a query variable
    query = session.query(memberships)
    return query.all()
