"""Write a synthetic Flask + FastAPI web-app corpus for benchmarks, deterministic by seed.

Usage: python benchmarks/webapp_corpus.py OUT_DIR [--seed N] [--resources K]

The corpus looks like the backends backfix is run on: per resource (``invoice``, ``ticket``...) a
model, a Flask blueprint, a FastAPI router, a service and a repository module. Routes commit in the
route layer, services and repositories use the legacy Query API (``Model.query``, ``session.query``),
and some handlers use bare ``except:``, so every codemod has work in most files. Names, field lists,
route counts and the mix of patterns vary with the seed; the same seed always writes the same bytes.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

NOUNS = [
    "invoice",
    "ticket",
    "order",
    "customer",
    "product",
    "shipment",
    "payment",
    "review",
    "coupon",
    "account",
    "message",
    "project",
    "task",
    "comment",
    "report",
    "device",
    "station",
    "vehicle",
    "booking",
    "lesson",
]
FIELDS = ["title", "name", "status", "amount", "note", "code", "priority", "email", "city", "score"]


@dataclass(frozen=True)
class Resource:
    """One resource of the generated app: its names and fields."""

    noun: str
    fields: tuple[str, ...]
    routes: int

    @property
    def model(self) -> str:
        """The model's class name."""
        return self.noun.capitalize()

    @property
    def table(self) -> str:
        """The plural used for URLs and tables."""
        return self.noun + "s"


def _resources(rng: random.Random, count: int) -> list[Resource]:
    resources = []
    for index in range(count):
        noun = NOUNS[index % len(NOUNS)] + (str(index // len(NOUNS)) if index >= len(NOUNS) else "")
        fields = tuple(rng.sample(FIELDS, rng.randint(2, 5)))
        resources.append(Resource(noun, fields, rng.randint(4, 15)))
    return resources


def _models(resources: list[Resource]) -> str:
    lines = ["from .extensions import db", ""]
    for res in resources:
        lines += ["", f"class {res.model}(db.Model):", f'    __tablename__ = "{res.table}"', ""]
        lines.append("    id = db.Column(db.Integer, primary_key=True)")
        lines += [f"    {name} = db.Column(db.String(80))" for name in res.fields]
        lines.append("    owner_id = db.Column(db.Integer, index=True)")
    return "\n".join(lines) + "\n"


def _flask_route(rng: random.Random, res: Resource, index: int) -> list[str]:
    field = rng.choice(res.fields)
    kind = rng.choice(("create", "update", "delete", "list", "show", "guarded"))
    head = [f'@bp.route("/{res.table}/{kind}-{index}", methods=["POST"])', "@login_required"]
    if kind == "create":
        body = [
            f"def create_{res.noun}_{index}():",
            "    data = request.get_json() or {}",
            f"    item = {res.model}(**{{k: data.get(k) for k in {list(res.fields)!r}}})",
            "    item.owner_id = current_user.id",
            "    db.session.add(item)",
            "    db.session.commit()",
            "    return jsonify(id=item.id), 201",
        ]
    elif kind == "update":
        body = [
            f"def update_{res.noun}_{index}(item_id):",
            f"    item = {res.model}.query.get_or_404(item_id)",
            f'    item.{field} = request.form["{field}"]',
            "    db.session.commit()",
            f'    flash("{res.noun} updated")',
            f'    return redirect(url_for(".show_{res.noun}", item_id=item.id))',
        ]
    elif kind == "delete":
        body = [
            f"def delete_{res.noun}_{index}(item_id):",
            f"    item = {res.model}.query.filter_by(id=item_id, owner_id=current_user.id).first()",
            "    if item is None:",
            "        abort(404)",
            "    db.session.delete(item)",
            "    db.session.commit()",
            '    return "", 204',
        ]
    elif kind == "list":
        body = [
            f"def list_{res.table}_{index}():",
            f"    items = {res.model}.query.filter_by(owner_id=current_user.id)"
            f".order_by({res.model}.id.desc()).all()",
            f'    return render_template("{res.table}/list.html", items=items)',
        ]
    elif kind == "show":
        body = [
            f"def show_{res.noun}_{index}(item_id):",
            f"    item = db.session.query({res.model}).filter({res.model}.id == item_id).one()",
            f"    total = {res.model}.query.count()",
            "    return jsonify(item=item.id, total=total)",
        ]
    else:
        body = [
            f"def refresh_{res.noun}_{index}(item_id):",
            "    try:",
            f"        item = {res.model}.query.get(item_id)",
            f"        item.{field} = request.args.get('{field}', '')",
            "        db.session.commit()",
            "    except:",
            "        db.session.rollback()",
            "        raise",
            '    return "ok"',
        ]
    return [*head, *body, "", ""]


def _flask_module(rng: random.Random, res: Resource) -> str:
    lines = [
        "from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for",
        "from flask_login import current_user, login_required",
        "",
        "from ..extensions import db",
        f"from ..models import {res.model}",
        "",
        f'bp = Blueprint("{res.table}", __name__)',
        "",
        "",
    ]
    for index in range(res.routes):
        lines += _flask_route(rng, res, index)
    return "\n".join(lines).rstrip() + "\n"


def _fastapi_route(rng: random.Random, res: Resource, index: int) -> list[str]:
    field = rng.choice(res.fields)
    dep = "db: Session = Depends(get_db)"
    if rng.random() < 0.5:
        return [
            f'@router.post("/{res.table}/{index}")',
            f"def create_{res.noun}_{index}(payload: dict, {dep}):",
            f"    item = {res.model}(**payload)",
            "    db.add(item)",
            "    db.commit()",
            "    db.refresh(item)",
            "    return {'id': item.id}",
            "",
            "",
        ]
    return [
        f'@router.get("/{res.table}/{index}")',
        f"def read_{res.noun}_{index}({field}: str, skip: int = 0, {dep}):",
        f"    query = db.query({res.model}).filter({res.model}.{field} == {field})",
        "    rows = query.offset(skip).limit(50).all()",
        "    try:",
        "        first = rows[0].id",
        "    except:",
        "        first = None",
        "    return {'rows': [r.id for r in rows], 'first': first}",
        "",
        "",
    ]


def _fastapi_module(rng: random.Random, res: Resource) -> str:
    lines = [
        "from fastapi import APIRouter, Depends",
        "from sqlalchemy.orm import Session",
        "",
        "from ..database import get_db",
        f"from ..models import {res.model}",
        "",
        "router = APIRouter()",
        "",
        "",
    ]
    for index in range(res.routes):
        lines += _fastapi_route(rng, res, index)
    return "\n".join(lines).rstrip() + "\n"


def _service_module(rng: random.Random, res: Resource) -> str:
    field = rng.choice(res.fields)
    return f'''import logging

from ..extensions import db
from ..models import {res.model}

logger = logging.getLogger(__name__)


class {res.model}Service:
    """Business rules for {res.table}."""

    def __init__(self, session=None):
        self.session = session or db.session

    def by_owner(self, owner_id):
        return self.session.query({res.model}).filter_by(owner_id=owner_id).all()

    def find(self, item_id):
        return self.session.query({res.model}).get(item_id)

    def search(self, text, limit={rng.randint(5, 50)}):
        return (
            {res.model}.query.filter({res.model}.{field}.like(f"%{{text}}%"))
            .order_by({res.model}.id)
            .limit(limit)
            .all()
        )

    def count_open(self):
        return {res.model}.query.filter_by(status="open").count()

    def rename(self, item_id, value):
        item = self.find(item_id)
        item.{field} = value
        self.session.commit()
        return item
'''


def _repository_module(res: Resource) -> str:
    return f"""from sqlalchemy.orm import Session

from ..models import {res.model}


def get(db: Session, item_id: int):
    return db.query({res.model}).filter({res.model}.id == item_id).first()


def page(db: Session, skip: int = 0, limit: int = 100):
    return db.query({res.model}).offset(skip).limit(limit).all()


def exists(db: Session, item_id: int) -> bool:
    return db.query({res.model}).filter_by(id=item_id).first() is not None
"""


STATIC = {
    "__init__.py": "",
    "extensions.py": "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n",
    "database.py": (
        "from sqlalchemy import create_engine\n"
        "from sqlalchemy.orm import sessionmaker\n\n"
        'engine = create_engine("sqlite:///app.db")\n'
        "SessionLocal = sessionmaker(bind=engine)\n\n\n"
        "def get_db():\n"
        "    db = SessionLocal()\n"
        "    try:\n"
        "        yield db\n"
        "    finally:\n"
        "        db.close()\n"
    ),
    "blueprints/__init__.py": "",
    "routers/__init__.py": "",
    "services/__init__.py": "",
    "repositories/__init__.py": "",
}


def write_corpus(out: Path, seed: int = 0, resources: int = 40) -> list[Path]:
    """Write the corpus under ``out/webapp`` and return the files written."""
    rng = random.Random(seed)
    package = out / "webapp"
    chosen = _resources(rng, resources)
    files: dict[str, str] = dict(STATIC)
    files["models.py"] = _models(chosen)
    for res in chosen:
        files[f"blueprints/{res.table}.py"] = _flask_module(rng, res)
        files[f"routers/{res.table}.py"] = _fastapi_module(rng, res)
        files[f"services/{res.noun}_service.py"] = _service_module(rng, res)
        files[f"repositories/{res.noun}_repository.py"] = _repository_module(res)
    written = []
    for rel, text in sorted(files.items()):
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def main() -> None:
    """Write the corpus and print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resources", type=int, default=40)
    args = parser.parse_args()
    written = write_corpus(args.out, args.seed, args.resources)
    lines = sum(path.read_text(encoding="utf-8").count("\n") for path in written)
    print(f"wrote {len(written)} files ({lines} lines) under {args.out / 'webapp'}")


if __name__ == "__main__":
    main()
