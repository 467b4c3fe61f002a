import os

import pytest
from sqlalchemy import create_engine
from sqlalchemy.orm import Session


@pytest.fixture()
def client(tmp_path):
    path = tmp_path / "jobs.db"
    os.environ["JOBS_DATABASE_URL"] = f"sqlite+aiosqlite:///{path}"
    from app.models import Base, Company, Job

    engine = create_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        session.add_all(
            [
                Company(id=1, name="Acme"),
                Company(id=2, name="Globex"),
                Company(id=3, name="Initech"),
                Job(id=1, title="Backend engineer", company_id=1, salary=100),
                Job(id=2, title="Data engineer", company_id=1, salary=120),
                Job(id=3, title="Designer", company_id=2, salary=90),
                Job(id=4, title="Intern", company_id=2, salary=10, active=False),
            ]
        )
        session.commit()
    engine.dispose()

    import importlib

    import app.db
    import app.main

    importlib.reload(app.db)
    importlib.reload(app.routers.jobs)
    importlib.reload(app.main)
    from fastapi.testclient import TestClient

    with TestClient(app.main.app) as test_client:
        yield test_client
