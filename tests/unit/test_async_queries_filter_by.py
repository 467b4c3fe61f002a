"""async-queries: ``filter_by()`` on a statement of several entities, or after a join, becomes
``where(Entity.key == value)`` on the entity the legacy query filtered (the last join target, else
its first entity): SQLAlchemy 2.1's ``Select.filter_by()`` looks for each keyword in every entity
and raises ``AmbiguousColumnError`` where several have it (MindsDB's ``select(db.Predictor,
db.Integration).filter_by(company_id=...)`` failed 62 of its tests on 2.1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import apply_in_process

MODELS = (
    "from sqlalchemy import Column, ForeignKey, Integer, String\n"
    "from sqlalchemy.orm import declarative_base, relationship\n\n"
    "Base = declarative_base()\n\n\n"
    "class Integration(Base):\n"
    "    __tablename__ = 'integrations'\n"
    "    id = Column(Integer, primary_key=True)\n"
    "    company_id = Column(Integer)\n\n\n"
    "class Predictor(Base):\n"
    "    __tablename__ = 'predictors'\n"
    "    id = Column(Integer, primary_key=True)\n"
    "    company_id = Column(Integer)\n"
    "    name = Column(String)\n"
    "    integration_id = Column(ForeignKey('integrations.id'))\n"
    "    integration = relationship(Integration)\n"
)


def _rewritten(tmp_path: Path, query: str) -> tuple[str, str]:
    """The rewrite of ``return <query>`` in a function, and the finding's reason ("" if fixed)."""
    queries = (
        "from app.models import Integration, Predictor\n\n\n"
        f"def found(session, company_id, name):\n    return {query}\n"
    )
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/queries.py": queries}
    result = apply_in_process(tmp_path, "async-queries", files, "app")
    reasons = [v.reason or "" for v in result.violations if v.path == "app/queries.py"]
    after = next((c.after.decode() for c in result.changes if c.path == "app/queries.py"), "")
    return "".join(after.split()), "".join(reasons)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "session.query(Predictor, Integration).filter_by(company_id=company_id, name=name).all()",
            "select(Predictor,Integration).where(Predictor.company_id==company_id,Predictor.name==name)",
        ),
        (
            "session.query(Predictor).join(Integration).filter_by(company_id=company_id).all()",
            "select(Predictor).join(Integration).where(Integration.company_id==company_id)",
        ),
        (
            "session.query(Predictor.name, Integration.id).filter_by(company_id=company_id).all()",
            "select(Predictor.name,Integration.id).where(Predictor.company_id==company_id)",
        ),
        # `== True`/`== None` would fail a linter (E712/E711): SQLAlchemy writes `IS` for them
        (
            "session.query(Predictor, Integration).filter_by(name=None, id=True).all()",
            "select(Predictor,Integration).where(Predictor.name.is_(None),Predictor.id.is_(True))",
        ),
        # one entity and no join: `filter_by()` reads it on any version, and stays; so do
        # columns of one class
        (
            "session.query(Predictor.id, Predictor.name).filter_by(company_id=1).all()",
            "select(Predictor.id,Predictor.name).filter_by(company_id=1)",
        ),
        (
            "session.query(Predictor).filter_by(name=name).all()",
            "select(Predictor).filter_by(name=name)",
        ),
    ],
)  # fmt: skip
def test_filter_by_is_written_on_the_entity_the_legacy_query_filtered(
    tmp_path: Path, query: str, expected: str
) -> None:
    after, reason = _rewritten(tmp_path, query)
    assert not reason
    assert expected in after


def test_filter_by_after_joining_a_relationship_is_reported(tmp_path: Path) -> None:
    """``join(Predictor.integration)`` joins a class its name does not say."""
    query = "session.query(Predictor).join(Predictor.integration).filter_by(company_id=1).all()"
    after, reason = _rewritten(tmp_path, query)
    assert not after
    assert "`filter_by()` after a join or on several entities" in reason


def test_a_query_variable_joined_in_another_statement_is_reported(tmp_path: Path) -> None:
    """MindsDB's ``get_models``: ``filter_by(active=...)`` is rebuilt into the variable before
    the statement that joins ``Integration``, so the legacy query filtered ``Predictor``; which
    statement runs first is not followed, so the chain is reported, never written on the joined
    class (a first cut wrote ``where(db.Integration.active == active)``)."""
    queries = (
        "from app.models import Integration, Predictor\n\n\n"
        "def found(session, company_id, active):\n"
        "    query = session.query(Predictor, Integration).filter_by(company_id=company_id)\n"
        "    if active is not None:\n"
        "        query = query.filter_by(id=active)\n"
        "    query = query.join(Integration, Integration.id == Predictor.integration_id)\n"
        "    return query.all()\n"
    )
    files = {"app/__init__.py": "", "app/models.py": MODELS, "app/queries.py": queries}
    result = apply_in_process(tmp_path, "async-queries", files, "app")
    after = "".join(c.after.decode() for c in result.changes if c.path == "app/queries.py")
    assert "Integration.id == active" not in after
    assert any("`filter_by()` after a join" in (v.reason or "") for v in result.violations)


def test_a_count_after_a_join_filters_the_joined_class(tmp_path: Path) -> None:
    """``count()`` becomes ``select(func.count()).select_from(...)`` with the chain's steps: its
    ``filter_by()`` after a join is written on the joined class too."""
    query = "session.query(Predictor).join(Integration).filter_by(company_id=company_id).count()"
    after, reason = _rewritten(tmp_path, query)
    assert not reason
    assert ".join(Integration).where(Integration.company_id==company_id)" in after
