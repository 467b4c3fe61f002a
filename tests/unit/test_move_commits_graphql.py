"""move-commits: GraphQL resolvers (Strawberry's ``@strawberry.mutation``, Graphene's
``Mutation.mutate``) answer requests as routes do, wherever their module is, and their ``info``
is the request: what the moved code reads of it is passed as a value, never ``info`` itself."""

from __future__ import annotations

from pathlib import Path

from testkit import invoke_in, write_files

MODELS = (
    "from sqlalchemy import Integer, String\n"
    "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n\n\n"
    "class Base(DeclarativeBase):\n"
    "    pass\n\n\n"
    "class Job(Base):\n"
    "    __tablename__ = 'jobs'\n"
    "    id: Mapped[int] = mapped_column(Integer, primary_key=True)\n"
    "    title: Mapped[str] = mapped_column(String)\n"
    "    owner: Mapped[str] = mapped_column(String)\n"
)
STRAWBERRY = (
    "import strawberry\n"
    "from strawberry.types import Info\n\n"
    "from app.models import Job\n\n\n"
    "@strawberry.type\n"
    "class Mutation:\n"
    "    @strawberry.mutation\n"
    "    def create_job(self, info: Info, title: str) -> int:\n"
    "        session = info.context['session']\n"
    "        job = Job(title=title, owner=info.context['user'])\n"
    "        session.add(job)\n"
    "        session.commit()\n"
    "        return job.id\n"
)
GRAPHENE = (
    "import graphene\n\n"
    "from app.models import Job\n\n\n"
    "class CreateJob(graphene.Mutation):\n"
    "    class Arguments:\n"
    "        title = graphene.String()\n\n"
    "    ok = graphene.Boolean()\n\n"
    "    @staticmethod\n"
    "    def mutate(root, info, title):\n"
    "        session = info.context.session\n"
    "        job = Job(title=title, owner=info.context.user)\n"
    "        session.add(job)\n"
    "        session.commit()\n"
    "        return CreateJob(ok=True)\n"
)
#: a decorator of the same name from no GraphQL library: its function is no resolver
NOT_A_RESOLVER = (
    "from app import hooks\n"
    "from app.models import Job\n\n\n"
    "@hooks.mutation\n"
    "def create_job(session, title):\n"
    "    session.add(Job(title=title, owner=''))\n"
    "    session.commit()\n"
)


def _dry_run(root: Path, files: dict[str, str]) -> str:
    """The dry run's diff and summary of move-commits over ``files`` (in a package ``app``)."""
    write_files(root, {"app/__init__.py": "", "app/models.py": MODELS, **files})
    code, out, err = invoke_in(root, "--no-cache", "apply", "move-commits", "--dry-run")
    assert code in (0, 1), out + err
    return out + err


def test_a_strawberry_mutation_is_route_layer(tmp_path: Path) -> None:
    out = _dry_run(tmp_path, {"app/schema/__init__.py": "", "app/schema/jobs.py": STRAWBERRY})
    assert "1 violation(s) fixed" in out, out
    assert (
        "+        job = JobService.create_job(title, session, user=info.context['user'])\n" in out
    )
    service = out.split("+++ b/app/schema/services/job_service.py")[1]
    assert "+    def create_job(title: str, session, user) -> Job:\n" in service, service
    assert "info" not in service, service


def test_a_graphene_mutate_is_route_layer(tmp_path: Path) -> None:
    out = _dry_run(tmp_path, {"app/schema/__init__.py": "", "app/schema/jobs.py": GRAPHENE})
    assert "1 violation(s) fixed" in out, out
    assert "+        JobService.create_job(title, session, user=info.context.user)\n" in out
    service = out.split("+++ b/app/schema/services/job_service.py")[1]
    assert "+    def create_job(title, session, user):\n" in service, service
    assert "info" not in service, service


def test_a_decorator_named_like_a_resolver_is_not_one(tmp_path: Path) -> None:
    out = _dry_run(
        tmp_path,
        {"app/hooks.py": "def mutation(f):\n    return f\n", "app/jobs.py": NOT_A_RESOLVER},
    )
    assert "0 violation(s) fixed" in out and "0 remaining" in out, out
