"""Legacy Query API functions; the behaviour tests rewrite this file and compare results.

Every function takes the session first; names are the table rows of the spec they exercise.
"""

from models import Address, User
from sqlalchemy import func, text
from sqlalchemy.orm import Session, joinedload, selectinload


def b1_all_filter(session: Session):
    return session.query(User).filter(User.active).order_by(User.id).all()


def q1_variable_into_its_result(session: Session):
    # the variable is built, then holds its own result: later reads see the rows
    users = session.query(User).filter(User.active)
    users = users.order_by(User.id.desc()).all()
    return [user.id for user in users]


def b1_empty_filter(session: Session):
    # no criteria: the rewrite has no empty `.where()`
    return session.query(User).filter().order_by(User.id).all()


def a3_filter_by(session: Session):
    return session.query(User).filter_by(name="ann").order_by(User.id.desc()).all()


def b1_rows(session: Session):
    return session.query(User.id, User.name).order_by(User.id).all()


def b1_single_column_rows(session: Session):
    return session.query(User.name).order_by(User.name).all()


def r3_join_dedup(session: Session):
    return session.query(User).join(User.addresses).order_by(User.id).all()


def r3_join_rows_dedup(session: Session):
    # rows of entities only: a row of an entity and a column is reported (unique-rows-with-columns)
    rows = session.query(User, Address).join(User.addresses).order_by(User.id, Address.id).all()
    return [(user.id, address.id) for user, address in rows]


def r3_join_rows_with_a_count(session: Session):
    # a count is an integer: rows of an entity and a count are de-duplicated with `.unique()`
    return (
        session.query(User, func.count(Address.id).label("addresses"))
        .join(User.addresses)
        .group_by(User)
        .order_by(User.id)
        .all()
    )


def r3_implicit_join(session: Session):
    return session.query(User).filter(User.id == Address.user_id).order_by(User.id).all()


def a7_joinedload(session: Session):
    users = session.query(User).options(joinedload(User.addresses)).order_by(User.id).all()
    return [(u.id, [a.id for a in u.addresses]) for u in users]


def a6_outerjoin(session: Session):
    return (
        session.query(User)
        .outerjoin(User.addresses)
        .filter(Address.id.is_(None))
        .order_by(User.id)
        .all()
    )


def b2_first(session: Session):
    return session.query(User).filter_by(name="ann").order_by(User.id).first()


def b2_first_none(session: Session):
    return session.query(User).filter_by(name="zed").first()


def b2_first_row(session: Session):
    return session.query(User.id, User.name).order_by(User.id.desc()).first()


def b2_first_after_limit(session: Session):
    return session.query(User).order_by(User.id).limit(3).first()


def b2_first_joinedload(session: Session):
    user = session.query(User).options(joinedload(User.addresses)).order_by(User.id).first()
    return user, [a.id for a in user.addresses]


def b3_one(session: Session):
    return session.query(User).filter(User.id == 2).one()


def b3_one_missing(session: Session):
    return session.query(User).filter(User.id == 99).one()


def b3_one_multiple(session: Session):
    return session.query(User).filter_by(name="ann").one()


def b3_one_join_dedup(session: Session):
    return session.query(User).join(User.addresses).filter(User.id == 1).one()


def b3_one_row(session: Session):
    return session.query(User.id, User.name).filter(User.id == 2).one()


def b4_one_or_none(session: Session):
    return session.query(User).filter(User.id == 1).one_or_none()


def b4_one_or_none_missing(session: Session):
    return session.query(User).filter(User.id == 99).one_or_none()


def b5_scalar_aggregate(session: Session):
    return session.query(func.max(User.id)).scalar()


def b5_scalar_column(session: Session):
    return session.query(User.name).filter(User.id == 2).scalar()


def b5_scalar_multiple(session: Session):
    return session.query(User.id).scalar()


def b5_scalar_entity(session: Session):
    return session.query(User).filter(User.id == 3).scalar()


def b6_count(session: Session):
    return session.query(User).filter(User.active).count()


def b6_count_filter_by(session: Session):
    return session.query(User).filter_by(name="ann").count()


def b6_count_distinct_join(session: Session):
    return session.query(User.id).join(User.addresses).distinct().count()


def b6_count_limit(session: Session):
    return session.query(User).order_by(User.id).limit(2).count()


def b6_count_group_by(session: Session):
    return session.query(Address.user_id).group_by(Address.user_id).count()


def b6_count_join(session: Session):
    return session.query(User).join(User.addresses).count()


def b7_get(session: Session):
    return session.query(User).get(2)


def b7_get_missing(session: Session):
    return session.query(User).get(99)


def b7_get_options(session: Session):
    user = session.query(User).options(selectinload(User.addresses)).populate_existing().get(1)
    return user, [a.id for a in user.addresses]


def b9_iterate_comprehension(session: Session):
    return [u.name for u in session.query(User).order_by(User.id)]


def b9_iterate_loop_rows(session: Session):
    out = []
    for uid, name in session.query(User.id, User.name).order_by(User.id):
        out.append((uid, name))
    return out


def b9_iterate_list_join(session: Session):
    return list(session.query(User).join(User.addresses).order_by(User.id))


def b11_update(session: Session):
    count = (
        session.query(User)
        .filter(User.name == "ann")
        .update({"active": False}, synchronize_session=False)
    )
    return count


def b11_update_evaluate(session: Session):
    return session.query(User).filter(User.id > 2).update({User.name: User.name + "!"})


def b12_delete(session: Session):
    return session.query(Address).filter(Address.email.like("%@x")).delete()


def b12_delete_statement(session: Session):
    session.query(Address).filter(Address.user_id == 1).delete(synchronize_session="fetch")
    return session.query(Address).count()


def m5_variable_all(session: Session, name=None, active=None):
    q = session.query(User)
    if name is not None:
        q = q.filter(User.name == name)
    if active is not None:
        q = q.filter(User.active == active)
    return q.order_by(User.id).all()


def m5_variable_count_first(session: Session):
    q = session.query(User).join(User.addresses)
    q = q.filter(Address.email.like("%@%"))
    return q.count(), q.order_by(User.id).first()


def m5_variable_iterate(session: Session):
    q = session.query(User.name).order_by(User.id)
    return [row for row in q]


def a12_in_subquery(session: Session):
    return (
        session.query(User)
        .filter(User.id.in_(session.query(Address.user_id)))
        .order_by(User.id)
        .all()
    )


def a10_with_entities(session: Session):
    return (
        session.query(User)
        .join(User.addresses)
        .with_entities(User.name, Address.email)
        .order_by(Address.id)
        .all()
    )


def a10_add_entity(session: Session):
    return session.query(User).join(User.addresses).add_entity(Address).order_by(Address.id).all()


def a9_group_by_having(session: Session):
    return (
        session.query(User.name, func.count(Address.id))
        .join(User.addresses)
        .group_by(User.name)
        .having(func.count(Address.id) > 1)
        .all()
    )


def a8_distinct(session: Session):
    return session.query(User.name).distinct().order_by(User.name).all()


def a5_slice(session: Session):
    return session.query(User).order_by(User.id)[1:3]


def a5_slice_from(session: Session):
    return session.query(User).order_by(User.id)[1:]


def a5_slice_whole(session: Session):
    return session.query(User).order_by(User.id)[:]


def a5_slice_to(session: Session):
    return session.query(User).order_by(User.id)[:2]


def a5_offset_limit(session: Session):
    return session.query(User).order_by(User.id).offset(1).limit(2).all()


def a13_populate_existing(session: Session):
    return session.query(User).populate_existing().filter(User.active).order_by(User.id).all()


def a11_subquery_join(session: Session):
    sub = session.query(Address.user_id).subquery()
    return session.query(User).join(sub, User.id == sub.c.user_id).order_by(User.id).all()


def a11_scalar_subquery_label(session: Session):
    n = session.query(func.count(Address.id)).filter(Address.user_id == User.id).scalar_subquery()
    return session.query(User.name, n.label("n")).order_by(User.id).all()


def b14_statement(session: Session):
    stmt = session.query(User).filter(User.active).order_by(User.id).statement
    return session.execute(stmt).scalars().all()


def a14_from_statement(session: Session):
    return (
        session.query(User)
        .from_statement(
            text("SELECT users.* FROM users JOIN addresses ON users.id = addresses.user_id")
        )
        .all()
    )


def a14_from_statement_first(session: Session):
    return session.query(User).from_statement(text("SELECT * FROM users ORDER BY id DESC")).first()


def m6_branch_variable_joined(session: Session, joined=True):
    if joined:  # noqa: SIM108 (the branches are the case under test)
        q = session.query(User).join(User.addresses)
    else:
        q = session.query(User)
    return q.order_by(User.id).all()


def m6_branch_variable_plain(session: Session, joined=False):
    if joined:  # noqa: SIM108 (the branches are the case under test)
        q = session.query(User).join(User.addresses)
    else:
        q = session.query(User)
    return q.order_by(User.id).all()


def m6_branch_variable_first(session: Session, user_id=None):
    if user_id:
        q = session.query(User).filter(User.id == user_id)
    else:
        q = session.query(User).filter_by(active=True)
    return q.order_by(User.id).first()


def m7_variable_delete(session: Session, only_x=True):
    q = session.query(Address).filter(Address.user_id > 0)
    if only_x:
        q = q.filter(Address.email.like("%@x"))
    return q.delete(synchronize_session=False)


def m7_variable_delete_statement(session: Session):
    q = session.query(Address).filter_by(user_id=1)
    q.delete()


def m7_variable_update(session: Session):
    q = session.query(User)
    q = q.filter(User.id > 1)
    return q.update({User.name: User.name + "?"}, synchronize_session="fetch")
