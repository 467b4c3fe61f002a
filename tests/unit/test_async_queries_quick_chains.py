"""``quick_chains.chain_facts`` reads a file's facts, legacy chains included, as the LibCST scan does.

Wherever ``chain_facts`` answers, its facts must equal ``analyze.scan``'s (without ``plumbing`` and
``tree``) field by field: chain order, keys, snippets and their ordinals, summaries, manual
reasons and their ids. Where it cannot be sure it returns None and the LibCST scan runs, so the
tests also check that typical chain-heavy modules do take the fast path. The inputs: hand-written
modules aimed at chains and query variables, every snapshot input and e2e file, generated web-app
corpora, random programs from the grammar with and without chains appended, and random chains.
"""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from backfix.builtin_codemods.async_queries import quick_chains
from backfix.builtin_codemods.async_queries.analyze import scan
from backfix.builtin_codemods.async_queries.model import ModuleFacts
from backfix.builtin_codemods.async_queries.quick_chains import chain_facts
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from testkit import repository_sources, write_webapp_corpus

SA = (
    "from sqlalchemy.orm import Session, aliased\n"
    "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
)
FSA = "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n"
DEP = "from fastapi import Depends\nfrom sqlalchemy.orm import Session\n\n"
LOCAL = "from sqlalchemy.orm import sessionmaker\n\nSessionLocal = sessionmaker()\n\n"
SESSION_NAMES = [[], ["db", "conn"]]


def body(code: str, head: str = SA, signature: str = "db: Session", prefix: str = "def") -> str:
    """``code`` as the body of ``f(signature)`` after ``head``."""
    lines = "".join(f"    {line}\n" if line else "\n" for line in code.split("\n"))
    return f"{head}{prefix} f({signature}):\n{lines}"


TERMINALS = [
    "all()",
    "first()",
    "one()",
    "one_or_none()",
    "scalar()",
    "count()",
    "get(1)",
    "paginate(page=1, per_page=20, error_out=False)",
    "first_or_404()",
    "first_or_404(description='gone')",
    "get_or_404(1)",
    "one_or_404()",
    "delete()",
    "delete(synchronize_session=False)",
    "update({'a': 1})",
    "exists()",
    "subquery()",
    "scalar_subquery()",
    "cte()",
    "statement",
    "yield_per(10)",
    "limit(3).all()",
    "distinct().count()",
    "order_by(User.id).offset(2).limit(1).first()",
    "with_entities(User.id).all()",
    "options(joinedload(User.posts)).all()",
    "join(Post).filter(Post.a).all()",
    "outerjoin(Post, Post.uid == User.id).group_by(User.id).having(x).all()",
    "filter(User.id.in_([1, 2])).all()",
    "first().name",
    "all()[0]",
    "count() > 0",
]

SESSIONS = {
    "parameter annotated Session": body("return db.query(User).filter(User.a == 1).all()"),
    "parameter annotated AsyncSession": body(
        "return db.query(User).all()", signature="db: AsyncSession", prefix="async def"
    ),
    "parameter annotated with a string": body(
        "return db.query(User).all()", signature="db: 'Session'"
    ),
    "parameter annotated Optional": body(
        "return db.query(User).all()", signature="db: Optional[Session]"
    ),
    "Depends(get_db)": body("return db.query(User).first()", DEP, "db=Depends(get_db)"),
    "Depends(get_db) annotated": body(
        "return db.query(User).first()", DEP, "db: Session = Depends(get_db)"
    ),
    "keyword-only parameters": body(
        "return db.query(User).get(q)", signature="*, db: Session, q=1"
    ),
    "self.db set in __init__": SA
    + "class Repo:\n"
    + "    def __init__(self, db: Session):\n"
    + "        self.db = db\n\n"
    + "    def active(self):\n"
    + "        return self.db.query(User).filter(User.active).all()\n",
    "self.session set in __init__": SA
    + "class Repo:\n"
    + "    def __init__(self, session: AsyncSession):\n"
    + "        self.session = session\n\n"
    + "    async def one(self, i):\n"
    + "        return self.session.query(User).get(i)\n",
    "self.db untyped": "class Repo:\n"
    + "    def __init__(self, db):\n"
    + "        self.db = db\n\n"
    + "    def all(self):\n"
    + "        return self.db.query(User).all()\n",
    "self.db of an outer class": SA
    + "class A:\n"
    + "    def __init__(self, db: Session):\n"
    + "        self.db = db\n\n"
    + "    class B:\n"
    + "        def m(self):\n"
    + "            return self.db.query(User).all()\n",
    "class attribute annotated": SA
    + "class A:\n    db: Session\n\n    def m(self):\n        return self.db.query(User).all()\n",
    "self._session": "class A:\n    def m(self):\n        return self._session.query(User).all()\n",
    "cls.session": "class A:\n"
    + "    @classmethod\n"
    + "    def m(cls):\n"
    + "        return cls.session.query(User).all()\n",
    "module-level SessionLocal()": LOCAL
    + "session = SessionLocal()\n\n\ndef f():\n    return session.query(User).all()\n",
    "local SessionLocal()": LOCAL
    + "def f():\n    s = SessionLocal()\n    return s.query(User).all()\n",
    "with SessionLocal() as": LOCAL
    + "def f():\n    with SessionLocal() as s:\n        return s.query(User).all()\n",
    "SessionLocal().query": LOCAL + "def f():\n    return SessionLocal().query(User).all()\n",
    "annotated with the factory": LOCAL + "def f(s: SessionLocal):\n    return s.query(x).all()\n",
    "scoped_session": "from sqlalchemy.orm import scoped_session, sessionmaker\n\n"
    "Session = scoped_session(sessionmaker())\n\n\n"
    "def f():\n    return Session.query(User).all()\n",
    "typed local": body("db: Session = make()\nreturn db.query(User).all()", signature=""),
    "db.session.query": FSA + "def f():\n    return db.session.query(User).filter_by(a=1).all()\n",
    "db.session.query without db": "def f():\n    return db.session.query(User).all()\n",
    "Model.query": FSA + "def f():\n    return User.query.filter_by(a=1).first()\n",
    "Model.query without db": "def f():\n    return User.query.all()\n",
    "Model.query with an imported db": "from app import db\n\n\n"
    "def f():\n    return User.query.order_by(User.id).all()\n",
    "models.User.query": FSA + "import models\n\n\ndef f():\n    return models.User.query.all()\n",
    "cls.query": FSA
    + "class User(db.Model):\n"
    + "    @classmethod\n"
    + "    def by_name(cls, n):\n"
    + "        return cls.query.filter_by(name=n).first()\n",
    "self.query": FSA
    + "class User(db.Model):\n"
    + "    def mine(self):\n"
    + "        return self.query.filter_by(id=self.id).all()\n",
    "self.model.query": FSA
    + "class Repo:\n    def all(self):\n        return self.model.query.all()\n",
    "repo.model.query": "def f(repo):\n    return repo.model.query.filter(x).all()\n",
    "model.query": "def f(model):\n    return model.query.all()\n",
    "(self.model).query": FSA
    + "class Repo:\n    def all(self):\n        return (self.model).query.all()\n",
    "(self).query": FSA
    + "class User(db.Model):\n    def a(self):\n        return (self).query.first()\n",
    "(cls).query": FSA
    + "class User(db.Model):\n"
    + "    @classmethod\n"
    + "    def a(cls):\n"
    + "        return (cls).query.first()\n",
    "owner over two lines": FSA
    + "class Repo:\n    def all(self):\n        return (self\n            .model).query.all()\n",
    "Foo.query.query": FSA + "def f():\n    return Foo.query.query.all()\n",
    "a query inside a query": FSA
    + "def f():\n    return User.query.filter(Post.query.exists()).all()\n",
    "a query of a query": body("return db.query(User).query(Post).all()"),
    "a query of an untyped query": "def f(client):\n"
    "    return client.query(User).query(Post).all()\n",
    "a query of a query of a string": "def f(client):\n"
    "    return client.query('x').query(Post).all()\n",
    "a query variable of a query": body("q = db.query(User).query(Post)\nreturn q.all()"),
    "a query of Model.query": FSA + "def f():\n    return User.query.query(Post).all()\n",
    "a query in a receiver": "def f(client):\n"
    "    return client.get(db.query(User).first()).query(Post).all()\n",
    "client.query(User)": "def f(client):\n    return client.query(User).all()\n",
    "client.query(str)": "def f(client):\n    return client.query('select 1').all()\n",
    "client.query()": "def f(client):\n    return client.query().all()\n",
    "client.query(model=User)": "def f(client):\n    return client.query(model=User).all()\n",
    "client.query(*models)": "def f(client):\n    return client.query(*models).all()\n",
    "(client).query": "def f(client):\n    return (\n        client\n    ).query(User).all()\n",
    "client annotated": "def f(client: Client):\n    return client.query(User).all()\n",
    "db_session.query(model_cls)": "def f(db_session):\n    return db_session.query(model_cls).all()\n",
    "session parameter": "def f(session):\n    return session.query(User).all()\n",
    "conn, a session name": "def f(conn):\n    return conn.query(User).all()\n",
    "get_session().query": "def f():\n    return get_session().query(User).all()\n",
    "subscript receiver": "def f(d):\n    return d['s'].query(User).all()\n",
    "request.query": "def f(request):\n    return request.query.get('a'), request.query\n",
    "url.query.get(k, default)": "def f(url):\n    return url.query.get('a', 'b')\n",
    "engine.url.query.get(k)": "def f(engine):\n    return engine.url.query.get('a')\n",
    "url_object.query.get(k)": "def f(d):\n    return d.url_object.query.get('a')\n",
    "ctx.query.get(k, default=)": "def f(ctx):\n    return ctx.query.get(1, default=None)\n",
    "ctx.query.get(*k)": "def f(ctx, k):\n    return ctx.query.get(*k)\n",
    "ctx.query.get(**k)": "def f(ctx, k):\n    return ctx.query.get(**k)\n",
    "ctx.query.get(k)": "def f(ctx, k):\n    return ctx.query.get(k)\n",
    "ctx.query.limit read": "def f(ctx):\n    return ctx.query.limit\n",
    "ctx.query.limit set": "def f(ctx):\n    ctx.query.limit = 1\n",
    "ctx.query.statement": "def f(ctx):\n    return ctx.query.statement\n",
    "ctx.query.filter(...)": "def f(ctx):\n    return ctx.query.filter(x).all()\n",
    "request_model.query.get(k)": "def f(self, k):\n    return self.request_model.query.get(k)\n",
    "url.query in an f-string": FSA
    + "def f(url):\n    return f'{url}?{url.query}', User.query.count()\n",
    "self.query in an f-string": "class A:\n    def f(self):\n        return f'{self.query}'\n",
    "query assigned": FSA + "class A(db.Model):\n    pass\n\n\nA.query = None\n",
    "query in a tuple target": FSA + "User.query, b = 1, 2\n",
    "query augmented": FSA + "User.query += 1\n",
    "query not called": body("return db.query"),
    "query passed": body("return render(db.query)"),
    "Query(...).with_session": body("return Query(User).with_session(db).all()"),
}

TERMINAL_CASES = {
    **{
        f"session terminal {t}": body(f"return db.query(User).filter(User.a == 1).{t}")
        for t in TERMINALS
    },
    **{f"model terminal {t}": FSA + f"def f():\n    return User.query.{t}\n" for t in TERMINALS},
    "query of columns": body("return db.query(User.id, User.name).all()"),
    "query of a function": body("return db.query(func.count(User.id)).scalar()"),
    "query of a label": body("return db.query(User.id.label('x')).all()"),
    "query of a literal": body("return db.query(1).all()"),
    "query of two models": body("return db.query(User, Post).join(Post).all()"),
    "query of an unknown column": body("return db.query(obj.attr).all()"),
    "query of an unknown column over lines": body("return db.query(obj\n    .attr).all()"),
    "query of a parenthesized column": body("return db.query((\n    obj.attr\n)).all()"),
    "query with a keyword": body("return db.query(User, x=1).all()"),
    "query of *cols": body("return db.query(*cols).all()"),
    "query of nothing": body("return db.query().all()"),
    "filter_by(**kw)": body("return db.query(User).filter_by(**kw).all()"),
    "subscript [0]": body("return db.query(User)[0]"),
    "subscript [1:3]": body("return db.query(User).order_by(User.id)[1:3]"),
    "subscript then attribute": body("return db.query(User)[a:b].c"),
    "subscript then call": body("return db.query(User)[0].f()"),
    "result called": body("return db.query(User).all()()"),
    "attribute in the middle": body("return db.query(User).session.all()"),
    "attribute at the end": body("return db.query(User).filter(x).whereclause"),
    "get_or_404 with description": FSA
    + "def f(i):\n    return User.query.get_or_404(i, description='x')\n",
}

USES = {
    "statement": body("db.query(User).filter(User.id == 1).delete()"),
    "assigned": body("users = db.query(User).all()\nreturn users"),
    "assigned to two targets": body("a = b = db.query(User)\nreturn a.all()"),
    "assigned to a tuple": body("a, *b = db.query(User).all()"),
    "annotated assignment": body("a: list = db.query(User).all()\nreturn a"),
    "annotation": body("x: db.query(User).first() = 1"),
    "annotation subscript": body("x: db.query(User)[0] = 1"),
    "annotated subscript target": body("db.query(User)[0]: int = 1"),
    "subscript target": body("db.query(User)[0] = 1"),
    "attribute target": body("db.query(User).first().name = 1"),
    "augmented": body("n = 0\nn += db.query(User).count()\nreturn n"),
    "augmented target": body("db.query(User).first().n += 1"),
    "deleted": body("del db.query(User)[0]"),
    "positional argument": body("return render(db.query(User).all())"),
    "keyword argument": body("return render(users=db.query(User).all())"),
    "*args": body("return render(*db.query(User).all())"),
    "**kwargs": body("return render(**db.query(User).first())"),
    "argument in parentheses": body("return g((db.query(User).all()))"),
    "argument over lines": body("return g(\n    (db.query(User)\n     .all()),\n)"),
    "parameter annotation": SA + "def f(x: db.query(User).first()):\n    pass\n",
    "return annotation": SA + "def f() -> db.query(User).first():\n    pass\n",
    "default value": SA + "def f(db: Session, u=db.query(User).first()):\n    pass\n",
    "decorator": SA + "@cache(db.query(User).first())\ndef f():\n    pass\n",
    "class base": SA + "class A(db.query(User).first()):\n    pass\n",
    "class keyword": SA + "class A(metaclass=db.query(User).first()):\n    pass\n",
    "list(...)": body("return list(db.query(User))"),
    "sorted(...) with a key": body("return sorted(db.query(User).filter(x), key=k)"),
    "sorted(...)": body("return sorted(db.query(User).filter(x))"),
    "list(...) of two": body("return list(db.query(User), 1)"),
    "set(...)": body("return set(db.query(User.id))"),
    "iter(...)": body("return iter(db.query(User))"),
    "dict(...)": body("return dict(db.query(User.id, User.n))"),
    "enumerate(...)": body("for i, u in enumerate(db.query(User)):\n    pass"),
    "for": body("for u in db.query(User).filter(x):\n    print(u)"),
    "for over all()": body("for u in db.query(User).all():\n    print(u)"),
    "async for": body(
        "async for u in db.query(User):\n    pass", signature="db: AsyncSession", prefix="async def"
    ),
    "list comprehension": body("return [u.id for u in db.query(User)]"),
    "dict comprehension": body("return {u.id: u for u in db.query(User).all()}"),
    "set comprehension": body("return {u for u in db.query(User)}"),
    "async comprehension": body(
        "return [u async for u in db.query(User)]", signature="db: AsyncSession", prefix="async def"
    ),
    "nested comprehension": body("return [[v for v in u] for u in db.query(User)]"),
    "second for of a comprehension": body(
        "return [v for u in xs for v in db.query(User).filter(User.a == u)]"
    ),
    "comprehension condition": body("return [u for u in xs if db.query(User).get(u)]"),
    "generator argument": body("return sum(u.n for u in db.query(User))"),
    "in_(...)": body("return db.query(Post).filter(Post.uid.in_(db.query(User.id))).all()"),
    "not_in(...)": body("return db.query(Post).filter(Post.a.not_in(db.query(User.id))).all()"),
    "in_ as a function": body("return in_(db.query(User.id))"),
    "in_ keyword": body("return User.id.in_(other=db.query(User.id))"),
    "in_ star": body("return User.id.in_(*db.query(User.id))"),
    "awaited": body(
        "return await db.query(User).all()", signature="db: AsyncSession", prefix="async def"
    ),
    "awaited in parentheses": body(
        "return await (db.query(User).all())", signature="db: AsyncSession", prefix="async def"
    ),
    "await inside": body(
        "return (await db.query(User)).all()", signature="db: AsyncSession", prefix="async def"
    ),
    "lambda": body("return lambda: db.query(User).all()"),
    "lambda key": body("return sorted(xs, key=lambda x: db.query(User).get(x))"),
    "lambda with a session parameter": body("g = lambda db: db.query(User).all()\nreturn g"),
    "generator expression": body("return (db.query(User).get(i) for i in ids)"),
    "generator expression element": body("return (db.query(User) for _ in x)"),
    "class body": FSA + "class A:\n    users = User.query.all()\n",
    "module level": FSA + "users = User.query.all()\n",
    "module-level session": LOCAL + "session = SessionLocal()\nusers = session.query(User).all()\n",
    "if": body("if db.query(User).count():\n    return 1"),
    "while": body("while db.query(User).first():\n    pass"),
    "with": body("with db.query(User).first() as u:\n    pass"),
    "assert": body("assert db.query(User).count() == 1"),
    "raise": body("raise E(db.query(User).first())"),
    "yield": body("yield db.query(User).all()"),
    "yield from": body("yield from db.query(User)"),
    "comparison": body("return db.query(User).count() > 0"),
    "not": body("return not db.query(User).first()"),
    "dict value": body("return {'u': db.query(User).all()}"),
    "conditional expression": body("return db.query(User).all() if x else db.query(Post).all()"),
    "walrus": body("if (u := db.query(User).first()):\n    return u"),
    "in a subscript": body("return x[db.query(User).first()]"),
    "in a slice": body("return x[db.query(User).count():]"),
    "one-line function": SA + "def f(db: Session): return db.query(User).all()\n",
    "one-line if": body("if x: return db.query(User).all()"),
    "after a semicolon": body("a = db.query(User).all(); b = db.query(User).all()\nreturn a"),
    "a chain in a chain": body(
        "return db.query(User).filter(User.id == db.query(Post.uid).scalar()).all()"
    ),
    "two chains on a line": body("return db.query(User).all(), db.query(Post).all()"),
}

LAYOUT = {
    "parenthesized with a comment": body(
        "return (\n    db.query(User)\n    .filter(User.a == 1)  # why\n    .order_by(User.id)\n"
        "    .all()\n)"
    ),
    "comment lines in parentheses": body(
        "users = (\n    # first\n    db.query(User)\n    # second\n    .filter(User.a == 1)\n"
        "    .all()\n)\nreturn users"
    ),
    "comment after the chain": body("return (db.query(User).all()  # c\n)"),
    "comment before the chain": body("return (  # c\n    db.query(User).all()\n)"),
    "closing parenthesis at the block's level": SA
    + "def f(db: Session):\n    return (db.query(User)\n        .filter(x)\n    .all()\n    )\n",
    "lines indented less than the block": SA
    + "def f(db: Session):\n    if True:\n        return (db.query(User)\n  .filter(x)\n.all())\n",
    "arguments over lines": body(
        "return db.query(User).filter(\n    User.a == 1,\n    User.b == 2,\n).all()"
    ),
    "trailing comma": body("return db.query(\n    User,\n).all()"),
    "comments between arguments": body(
        "return db.query(\n    User,  # the user\n    Post,  # the post\n).all()"
    ),
    "empty line in parentheses": body("return (db.query(User)\n\n    .all())"),
    "whitespace line in parentheses": SA
    + "def f(db: Session):\n    return (db.query(User)\n  \n        .all())\n",
    "nested parentheses": body("return ((db.query(User)).all())"),
    "nested parentheses over lines": body("return ((db.query(User))\n    .filter(x)).all()"),
    "parenthesized root": body("return (db.query(User)).filter(x).all()"),
    "parenthesized receiver over lines": body("return (db\n    .query(User)).filter(x).all()"),
    "tuple in parentheses": body("return (db.query(User).all(),)"),
    "string with a parenthesis": body("return db.query(User).filter(User.n == ')').all()"),
    "string with a parenthesis over lines": body(
        "return (\n    db.query(User).filter(User.n == '(')\n    .all()\n)"
    ),
    "string with a hash over lines": body(
        "return (db.query(User)\n    .filter(User.n == 'a # b')\n    .all())"
    ),
    "implicit concatenation": body("return db.query(User).filter(User.n == 'a'\n    'b').all()"),
    "triple-quoted string over lines": body("return db.query(User).filter(text('''a\nb''')).all()"),
    "backslash continuation": body("return db.query(User) \\\n    .filter(x).all()"),
    "backslashes in a block": SA
    + "def f(db: Session):\n"
    + "    if x:\n"
    + "        return db.query(User)\\\n"
    + "            .filter(obj.attr)\\\n"
    + "            .all()\n",
    "backslash in an unknown column": SA
    + "def f(db: Session):\n"
    + "    if x:\n"
    + "        return db.query(obj.\\\n"
    + "            attr)\\\n"
    + "            .filter(y)\\\n"
    + "  .all()\n",
    "backslashes in parentheses": SA
    + "def f(db: Session):\n"
    + "    if x:\n"
    + "        return (db.query(obj\n"
    + "            .attr)\\\n"
    + "            .filter(y)\n"
    + "            .all())\n",
    "backslashes and CRLF": (
        SA + "def f(db: Session):\n    return db.query(obj.\\\n        attr)\\\n        .all()\n"
    ).replace("\n", "\r\n"),
    "backslash in a string": body("return db.query(User).filter(User.n == 'a\\\n    b').all()"),
    "backslash in a comment": body("return (db.query(User)  # c \\\n    .all())"),
    "backslash after return": body("return \\\n    db.query(User).all()"),
    "backslashes in a query variable": body(
        "q = db.query(obj.attr)\\\n    .filter(x)\nq = q\\\n    .filter(y)\nreturn q\\\n    .all()"
    ),
    "backslash in an owner": FSA
    + "class Repo:\n    def all(self):\n        return (self\\\n            .model).query.all()\n",
    "CRLF in an unknown column": body("return db.query(obj\n    .attr).all()").replace(
        "\n", "\r\n"
    ),
    "CRLF in an owner": (
        FSA
        + "class Repo:\n    def all(self):\n        return (self\n            .model).query.all()\n"
    ).replace("\n", "\r\n"),
    "decorator arguments over lines": "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
    "class A:\n"
    "    @app.route(\n"
    "        '/x',  # c\n"
    "            methods=['GET'],\n"
    "  )\n"
    "    def f(self):\n"
    "        return User.query.all()\n",
    "decorator in parentheses over lines": "@(\n    cached(timeout=5)\n)\n"
    "def f():\n    return User.query.all()\n",
    "decorator with tabs": "class A:\n\t@cached(\n\t\ttimeout=5,\n\t)\n\tdef f(self):\n"
    "\t\treturn User.query.all()\n",
    "decorator in parentheses called over lines": "class A:\n    @(dec)(\n        x)\n"
    "    def f(self):\n        return User.query.all()\n",
    "decorator with a comment inside": "@dec(  # c\n    x,\n)\ndef f():\n    return User.query.all()\n",
    "decorator subscript over lines": "@dec[\n    1\n]\ndef f():\n    return User.query.all()\n",
    "route in parentheses": "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
    "@(app.route('/a'))\ndef f():\n    return User.query.all()\n",
    "route over lines": "from flask import Flask\n\napp = Flask(__name__)\n\n\n"
    "@app.route(\n    '/a',\n)\ndef f():\n    return User.query.all()\n",
    "decorator spaced": "@ ( cached )\ndef f():\n    return User.query.all()\n",
    "decorator with a string over lines": '@cached(\n    """x\ny""",\n)\n'
    "def f():\n    return User.query.all()\n",
    "decorator with a backslash": "@cached\\\n.x\ndef f():\n    return User.query.all()\n",
    "nested function": body("def g():\n    return db.query(User).all()\nreturn g"),
    "method of a nested class": SA
    + "class A:\n    class B:\n        def m(self, db: Session):\n            return db.query(User).all()\n",
    "class in a function": SA
    + "def f():\n"
    + "    class B:\n"
    + "        def m(self, db: Session):\n"
    + "            return db.query(User).all()\n"
    + "    return B\n",
    "nested default": body("def g(u=db.query(User).first()):\n    return u\nreturn g"),
    "decorator over lines": FSA
    + "class A:\n    @cached(User.query\n            .first())\n    def m(self):\n        pass\n",
    "if header over lines": body("if (db.query(User)\n        .count()):\n    pass"),
    "elif header over lines": body(
        "if a:\n    pass\nelif (db.query(User)\n        .count()):\n    pass"
    ),
    "while header over lines": body("while (db.query(User)\n  .first()):\n    pass"),
    "with header over lines": body("with (db.query(User)\n      .first()) as u:\n    pass"),
    "except header over lines": body(
        "try:\n    pass\nexcept (db.query(User)\n        .first()):\n    pass"
    ),
    "one-line if over lines": body("if x: return (db.query(User)\n    .all())"),
    "semicolon over lines": body("a = 1; b = (db.query(User)\n    .all())"),
    "dedented after a semicolon": SA
    + "def f(db: Session):\n    if x:\n        a = 1; return (db.query(User)\n    .all())\n",
    "class keyword over lines": SA
    + "class A(Base, x=(db.query(User)\n        .first())):\n    pass\n",
    "dict literal over lines": body("return {\n    'a': db.query(User)\n        .all(),\n}"),
    "lambda over lines": body("return (lambda: db.query(User)\n    .all())"),
    "default over lines": SA
    + "def f(db: Session, u=(db.query(User)\n        .first())):\n    pass\n",
    "non-ASCII on the line": body("return db.query(User).filter(User.name == 'Zoë').all()  # ü"),
    "non-ASCII before the chain": body(
        "x = 'é'; return db.query(User).filter(User.n == 'Zoë').all()"
    ),
    "non-ASCII over lines": body(
        "x = 'ü'\nreturn (db.query(User)\n    .filter(User.n == 'ñ')  # ß\n    .all())"
    ),
    "non-ASCII names": body("return db.query(Üser).filter(Üser.näme == 'x').all()"),
    "non-ASCII receiver": "def f(sessión):\n    return sessión.query(User).all()\n",
    "non-ASCII untyped receiver": "def f(clïent):\n    return clïent.query(User).all()\n",
    "non-ASCII owner": FSA + "def f(mödel):\n    return mödel.query.all()\n",
    "non-ASCII query variable": body("qü = db.query(User)\nreturn qü.all()"),
    "emoji before the chain": body("x = '😀'; return db.query(User).filter(User.n == '😀').all()"),
    "emoji over lines": body(
        "x = '😀'\nreturn (db.query(User).filter(User.n == '😀')\n    .filter(User.m == 'é😀')\n"
        "    .all())"
    ),
    "combining character": body("return db.query(User).filter(User.n == 'e\u0301').all()"),
    "tab before the chain": body("x = 1;\treturn db.query(User).all()"),
    "tabs in the chain": body("return db.query(User)\t.filter(x)\t.all()"),
    "non-ASCII owner over lines": FSA
    + "def f(mödel):\n    return (mödel\n        .x).query.all()\n",
    "a CRLF line in an LF file": body("return db.query(obj\r\n    .attr).all()"),
    "a CR line in an LF file": body("return db.query(obj\r    .attr).all()"),
    "an LF line in a CRLF file": body("return db.query(obj\n    .attr).all()").replace(
        "\n", "\r\n", 3
    ),
    "a CRLF line in an owner": FSA
    + "class Repo:\n    def all(self):\n        return (self\r\n            .model).query.all()\n",
    "CRLF": body("return (db.query(User)\n    .filter(x)\n    .all())").replace("\n", "\r\n"),
    "CRLF query variable": body("q = db.query(User)\nq = q.filter(x)\nreturn q.all()").replace(
        "\n", "\r\n"
    ),
    "CR": body("return (db.query(User)\n    .all())").replace("\n", "\r"),
    "tabs": SA + "def f(db: Session):\n\treturn (db.query(User)\n\t\t.filter(x)\n\t\t.all())\n",
    "tabs then spaces": SA
    + "class A:\n"
    + "\tdef m(self, db: Session):\n"
    + "\t\treturn (db.query(User)\n"
    + "\t\t        .filter(x)\n"
    + "\t\t        .all())\n",
    "mixed continuation indents": SA
    + "def f(db: Session):\n    return (db.query(User)\n\t.filter(x)\n  .all())\n",
    "tabs in a query variable": SA
    + "def f(db: Session):\n\tq = db.query(User)\n\tif x:\n\t\tq = q.filter(\n\t\t\tx)\n\treturn q.all()\n",
    "query variable dedented": SA
    + "def f(db: Session):\n"
    + "    if a:\n"
    + "        for x in y:\n"
    + "            q = (db.query(User)\n"
    + "                 .filter(x))\n"
    + "            q = (q\n"
    + "        .filter(z))\n"
    + "            return q.all()\n",
    "f-string": body("return f'{db.query(User).count()} users'"),
    "f-string of a model query": FSA + "def f():\n    return f'{User.query.count()} users'\n",
    "f-string with a quote": body(
        "return f\"{db.query(User).filter(User.n == 'a').count()} users\""
    ),
}

VARIABLES = {
    "rebuilt": body("q = db.query(User)\nq = q.filter(User.a == 1)\nreturn q.all()"),
    "rebuilt in a branch": body(
        "q = db.query(User)\nif x:\n    q = q.filter(User.a == x)\nreturn q.order_by(User.id).all()"
    ),
    "used twice": body("q = db.query(User).filter(x)\nn = q.count()\nreturn q.all(), n"),
    "executed in two branches": body(
        "q = db.query(User)\nif x:\n    return q.first()\nreturn q.all()"
    ),
    "never executed": body("q = db.query(User)\nq = q.filter(x)"),
    "reassigned to a result": body("q = db.query(User)\nq = q.all()\nreturn q"),
    "reassigned to its result in a branch": body(
        "q = db.query(User)\nif x:\n    q = q.all()\nreturn q"
    ),
    "reassigned to its result after a branch": body(
        "q = db.query(User)\nif x:\n    q = q.filter(x)\nq = q.order_by(User.id).all()\n"
        "q.sort()\nreturn [u.id for u in q]"
    ),
    "reassigned to its result in a loop": body(
        "for x in xs:\n    q = db.query(User)\n    q = q.filter(x).all()\n    print(q)"
    ),
    "reassigned to its result then assigned": body(
        "q = db.query(User)\nq = q.first()\nq = 3\nreturn q"
    ),
    "reassigned to something else": body("q = db.query(User)\nq = 3\nreturn q.all()"),
    "assigned something else in another branch": body(
        "if x:\n    q = x.users\nelse:\n    q = db.query(User)\nreturn q.all()"
    ),
    "returned": body("q = db.query(User)\nreturn q"),
    "passed on": body("q = db.query(User)\nreturn paginate(q)"),
    "used in a nested function": body(
        "q = db.query(User)\ndef g():\n    return q.all()\nreturn g()"
    ),
    "assigned from two queries": body(
        "q = db.query(User)\nif x:\n    q = db.query(Post)\nreturn q.all()"
    ),
    "used in a lambda": body("q = db.query(User)\nreturn lambda: q.all()"),
    "used in a generator expression": body("q = db.query(User)\nreturn (q.get(i) for i in ids)"),
    "iterated": body("q = db.query(User)\nfor u in q:\n    print(u)"),
    "iterated in a comprehension": body("q = db.query(User)\nreturn [u for u in q]"),
    "used in a comprehension": body("q = db.query(User)\nreturn [q.get(i) for i in ids]"),
    "list(q)": body("q = db.query(User)\nreturn list(q)"),
    "q[0]": body("q = db.query(User)\nreturn q[0]"),
    "q[1:3]": body("q = db.query(User)\nreturn q.order_by(User.id)[1:3]"),
    "in_(q)": body("q = db.query(User.id)\nreturn db.query(Post).filter(Post.uid.in_(q)).all()"),
    "subquery": body("q = db.query(User.id).subquery()\nreturn db.query(Post).join(q).all()"),
    "augmented": body("q = db.query(User)\nq += 1\nreturn q.all()"),
    "tuple target": body("q = db.query(User)\nq, r = 1, 2\nreturn q.all()"),
    "annotated": body("q: Query = db.query(User)\nreturn q.all()"),
    "with target": body("q = db.query(User)\nwith q as r:\n    pass\nreturn q.all()"),
    "deleted": body("q = db.query(User)\nres = q.all()\ndel q\nreturn res"),
    "loop target": body("q = db.query(User)\nfor q in xs:\n    pass\nreturn q.all()"),
    "walrus": body("q = db.query(User)\nif (q := q.filter(x)):\n    pass\nreturn q.all()"),
    "walrus count": body("q = db.query(User)\nif (n := q.count()):\n    return q.all()"),
    "comprehension target": body("q = db.query(User)\nr = [q for q in xs]\nreturn q.all()"),
    "in a method": SA
    + "class A:\n"
    + "    def m(self, db: Session):\n"
    + "        q = db.query(User)\n"
    + "        if self.x:\n"
    + "            q = q.filter(User.a == self.x)\n"
    + "        return q.all()\n",
    "at module level": LOCAL
    + "s = SessionLocal()\nq = s.query(User)\nq = q.filter(x)\nusers = q.all()\n",
    "in a class body": FSA + "class A:\n    q = User.query\n    r = q.all()\n",
    "named like a parameter": body(
        "q = db.query(User)\nreturn q.all()", signature="db: Session, q=None"
    ),
    "named like a keyword-only parameter": body(
        "q = db.query(User)\nq = q.filter(x)\nreturn q.all()", signature="db: Session, *, q: int"
    ),
    "named like *args": body("q = db.query(User)\nreturn q.all()", signature="db: Session, *q"),
    "named like **kwargs": body("q = db.query(User)\nreturn q.all()", signature="db: Session, **q"),
    "named like a parameter reassigned": body(
        "q = db.query(User)\nq = []\nreturn q", signature="db: Session, q=None"
    ),
    "named like a parameter in a decorator": body(
        "q = db.query(User)\nreturn q.all()", signature="db: Session, q=None", prefix="@dec(q)\ndef"
    ),
    "named like a parameter with a default": body(
        "q = db.query(User)\nreturn q.all()", signature="db: Session, q=q.all()"
    ),
    "named like its method": SA
    + "class A:\n    def q(self, db: Session):\n        q = db.query(User)\n        return q.all()\n",
    "named like a nested function's parameter": body(
        "def g(db: Session, q=1):\n    q = db.query(User)\n    return q.all()\nreturn g"
    ),
    "named like an import alias": body("import q\nq = db.query(User)\nreturn q.all()"),
    "named like an except name": body(
        "try:\n    pass\nexcept E as q:\n    pass\nq = db.query(User)\nreturn q.all()"
    ),
    "named like a lambda parameter": body("q = db.query(User)\nf = lambda q: q\nreturn q.all()"),
    "named like a class": body("q = db.query(User)\nclass q:\n    pass\nreturn q.all()"),
    "named like a function": body("q = db.query(User)\ndef q():\n    pass\nreturn q.all()"),
    "named like its function": SA
    + "def q(db: Session):\n    q = db.query(User)\n    return q.all()\n",
    "named like a nested parameter": body(
        "q = db.query(User)\ndef g(q):\n    return q\nreturn q.all()"
    ),
    "shadowed in a nested function": body(
        "q = db.query(User)\ndef g():\n    q = 1\n    return q\nreturn q.all()"
    ),
    "used in a nested default": body(
        "q = db.query(User)\ndef g(u=q.first()):\n    return u\nreturn g"
    ),
    "used in a nested decorator": body(
        "q = db.query(User)\n@dec(q.first())\ndef g():\n    pass\nreturn g"
    ),
    "used in a nested class": body("q = db.query(User)\nclass A:\n    x = q.all()\nreturn A"),
    "used in a nested method": body(
        "q = db.query(User)\nclass A:\n    def m(self):\n        return q.all()\nreturn A"
    ),
    "used before": body("x = q.all()\nq = db.query(User)\nreturn x"),
    "a keyword named like it": body("q = db.query(User)\nreturn g(q=1, r=q.all())"),
    "an attribute named like it": body("q = db.query(User)\nreturn x.q, q.all()"),
    "an f-string nearby": body("q = db.query(User)\nn = f'{x}'\nreturn q.all()"),
    "used in an f-string": body("q = db.query(User)\nreturn f'{q.count()}'"),
    "two variables": body("q = db.query(User)\nr = db.query(Post)\nreturn q.all(), r.first()"),
    "rebuilt into two targets": body("q = db.query(User)\nq = r = q.filter(x)\nreturn q.all()"),
    "rebuilt by a slice": body("q = db.query(User)\nq = q[0:3]\nreturn q.all()"),
    "rebuilt by an attribute": body("q = db.query(User)\nq = q.statement\nreturn q"),
    "rebuilt in parentheses": body("q = db.query(User)\nq = (q)\nreturn q.all()"),
    "copied to another name": body("q = db.query(User)\nr = q.filter(x)\nreturn r.all()"),
    "executed in parentheses": body("q = db.query(User)\nreturn (q).all()"),
    "executed over lines": body("q = db.query(User)\nreturn (q\n    .filter(x)\n    .all())"),
    "rebuilt with comments": body(
        "q = db.query(\n    User,  # the user\n)\nq = q.filter(  # why\n    x\n)\nreturn q.all()"
    ),
    "awaited": body(
        "q = db.query(User)\nreturn await q.all()", signature="db: AsyncSession", prefix="async def"
    ),
    "conditional expression": body("q = db.query(User)\nreturn q.first() if x else q.all()"),
    "in try": body("q = db.query(User)\ntry:\n    return q.one()\nexcept E:\n    return None"),
    "untyped receiver": "def f(client):\n    q = client.query(User)\n    q = q.filter(x)\n"
    "    return q.all()\n",
    "session-like receiver": "def f(session):\n    q = session.query(x)\n    return q.all()\n",
    "with aliased(...)": body(
        "a = aliased(User)\nq = db.query(a).filter(a.id == 1)\nreturn q.all()"
    ),
    "aliased in a chain": body(
        "a = aliased(User)\nreturn db.query(User, a).join(a, a.id == User.pid).all()"
    ),
    "module Table": "from sqlalchemy import Table\n\ntags = Table('tags', md)\n\n\n"
    + body("return db.query(tags).filter(tags.c.a == 1).count()"),
    "Flask-SQLAlchemy db.Table": FSA
    + "tags = db.Table('tags')\n\n\ndef f():\n    return db.session.query(tags.c.a).first()\n",
    "Table shadowed by a parameter": "from sqlalchemy import Table\n\ntags = Table('t', md)\n\n\n"
    + body("return db.query(tags).all()", signature="db: Session, tags"),
    "Table shadowed by a local": "from sqlalchemy import Table\n\ntags = Table('t', md)\n\n\n"
    + body("tags = pick()\nreturn db.query(tags).all()"),
    "Model.query variable": FSA
    + "def f():\n    q = User.query\n    q = q.filter_by(a=1)\n    return q.paginate(page=1)\n",
    "Model.query variable first_or_404": FSA
    + "def f():\n    q = User.query.order_by(User.id)\n    return q.first_or_404()\n",
    "Model.query variable get_or_404": FSA
    + "def f(i):\n    q = User.query.filter_by(a=1)\n    return q.get_or_404(i)\n",
    "paginate(...).items": FSA
    + "def f():\n    q = User.query\n    return q.paginate(page=1).items\n",
    "after a lambda": body("g = lambda: 1\nq = db.query(User)\nreturn q.all()"),
    "a comprehension variable": body("return list(q.all() for q in [db.query(User)])"),
    "walrus in a lambda": body("g = lambda: (q := db.query(User))\nreturn g"),
    "walrus in a lambda list": body("return lambda: [q := db.query(User), q.all()]"),
    "lambda default": body("q = db.query(User)\nreturn lambda x=q: x.all()"),
    "nested variables": body(
        "q = db.query(User)\nx = q.all()\ndef g(db: Session):\n    q = db.query(User)\n"
        "    return q.all()\nreturn x"
    ),
    "a nested variable never run": body(
        "q = db.query(User)\ndef g(db: Session):\n    r = db.query(User)\n    return r.all()"
    ),
    "used in a doubly nested function": body(
        "q = db.query(User)\ndef g():\n    def h():\n        return q.all()\n    return h\nreturn g"
    ),
    "a doubly nested parameter": body(
        "q = db.query(User)\ndef g():\n    def h(q):\n        return q\n    return h\nreturn q.all()"
    ),
    "named like a nested variable": body(
        "q = db.query(User)\ndef g(db: Session):\n    q = db.query(User)\n    return q.all()\n"
        "return q.all()"
    ),
    "in a class in a function": body("class A:\n    q = db.query(User)\n    r = q.all()\nreturn A"),
    "in a method of a class in a function": body(
        "class A:\n    def m(self, db: Session):\n        q = db.query(User)\n        return q.all()\n"
        "return A"
    ),
    "rebuilt with a lambda": body("q = db.query(User)\nq = q.filter(lambda: 1)\nreturn q.all()"),
    "on one line": body("q = db.query(User); q = q.filter(x); return q.all()"),
    "copied": body("q = db.query(User)\nr = q.all()\nq2 = q\nreturn r"),
    "in_ twice": body(
        "q = db.query(User.id)\nreturn db.query(Post).filter(Post.a.in_(q), Post.b.in_(q)).all()"
    ),
    "exists in a query": body("q = db.query(User)\nreturn db.query(q.exists()).scalar()"),
    "sorted with a key": body("q = db.query(User)\nreturn sorted(q, key=k)"),
    "yield_per in a generator": body("q = db.query(User)\nfor u in q.yield_per(10):\n    yield u"),
    "Model.query paginated": FSA
    + "def f():\n"
    + "    q = User.query\n"
    + "    if x:\n"
    + "        q = q.filter_by(a=x)\n"
    + "    return q.order_by(User.id).paginate(page=1, per_page=10)\n",
    "count and page": FSA
    + "def f():\n"
    + "    q = User.query.filter(User.a)\n"
    + "    total = q.count()\n"
    + "    return total, q.limit(10).all()\n",
    "delete": body("q = db.query(User).filter(x)\nq.delete()\ndb.commit()"),
    "update": body("q = db.query(User).filter(x)\nq.update({'a': 1}, synchronize_session=False)"),
    "module-level Model.query": FSA + "q = User.query\nusers = q.all()\n",
    "cls.query": FSA
    + "class U(db.Model):\n    @classmethod\n    def f(cls):\n        q = cls.query\n        return q.all()\n",
    "self.model.query": "class R:\n"
    "    def f(self):\n        q = self.model.query.filter(x)\n        return q.all()\n",
    "client.query(str)": "def f(client):\n    q = client.query('x')\n    return q.all()\n",
    "a session name": "def f(conn):\n    q = conn.query(User)\n    return q.all()\n",
    "emoji": body(
        "q = db.query(User).filter(User.n == '😀')\nq = q.filter(User.m == '😀'); r = q.all()\nreturn r"
    ),
}

DUPLICATES = {
    "in one scope": body("a = db.query(User).all()\nb = db.query(User).all()\nreturn a, b"),
    "spaced differently": body("a = db.query(User).all()\nb = db.query( User ).all()\nreturn a, b"),
    "in two functions": SA
    + "def f(db: Session):\n    return db.query(User).all()\n\n\n"
    + "def g(db: Session):\n    return db.query(User).all()\n",
    "in lambdas": body("a = lambda: db.query(User).all()\nb = lambda: db.query(User).all()"),
    "in nested functions": body(
        "def g():\n    return db.query(User).all()\ndef h():\n    return db.query(User).all()\n"
        "return db.query(User).all()"
    ),
    "in class bodies": FSA
    + "class A:\n    a = User.query.all()\n    b = User.query.all()\n\n\n"
    + "class B:\n    a = User.query.all()\n",
    "at module level": FSA
    + "a = User.query.all()\nb = User.query.all()\n\n\ndef f():\n    return User.query.all()\n",
    "variables and chains": body(
        "q = db.query(User)\nr = q.all()\nq2 = db.query(User)\nreturn q2.all(), db.query(User)"
    ),
}

CASES = {
    **{f"session: {name}": code for name, code in SESSIONS.items()},
    **{f"terminal: {name}": code for name, code in TERMINAL_CASES.items()},
    **{f"use: {name}": code for name, code in USES.items()},
    **{f"layout: {name}": code for name, code in LAYOUT.items()},
    **{f"variable: {name}": code for name, code in VARIABLES.items()},
    **{f"duplicate: {name}": code for name, code in DUPLICATES.items()},
}

#: constructs the fast path leaves to the LibCST scan: comments or strings where parentheses are
#: looked for, strings over lines, chains in f-strings (`ast` positions
#: there may be off), query variables named like a name `ast` holds as a string
UNSURE = [
    "layout: comment lines in parentheses",
    "layout: comment before the chain",
    "layout: triple-quoted string over lines",
    "layout: backslash in a comment",
    "layout: backslash after return",
    "layout: backslashes and CRLF",
    "layout: a CRLF line in an LF file",
    "layout: a CR line in an LF file",
    "layout: an LF line in a CRLF file",
    "layout: a CRLF line in an owner",
    "layout: decorator with a string over lines",
    "layout: f-string",
    "layout: f-string of a model query",
    "layout: f-string with a quote",
    "variable: named like an import alias",
    "variable: named like an except name",
    "variable: named like a lambda parameter",
    "variable: named like a class",
    "variable: used in an f-string",
]


def reference(code: str, session_names: list[str], path: str = "app/views.py") -> ModuleFacts:
    """What the LibCST scan finds, without what ``chain_facts`` does not compute."""
    result, _ = scan(path, cst.parse_module(code), code, session_names)
    return replace(result.facts, plumbing=None, tree=None)


def fast(code: str, session_names: list[str], path: str = "app/views.py") -> ModuleFacts | None:
    """``chain_facts`` of ``code``."""
    return chain_facts(path, code, ast.parse(code), session_names)


def parses(code: str) -> bool:
    """Both `ast` and LibCST read ``code``."""
    try:
        ast.parse(code)
        cst.parse_module(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError, cst.ParserSyntaxError):
        return False
    return True


def mismatches(sources: dict[str, str], session_names: list[str]) -> tuple[list[str], int]:
    """(the names whose fast facts differ from the scan's, how many took the fast path)."""
    differ: list[str] = []
    answered = 0
    for name, code in sources.items():
        if not parses(code):
            continue
        path = name if name.endswith(".py") else "app/views.py"
        found = fast(code, session_names, path)
        if found is None:
            continue
        answered += 1
        if found != reference(code, session_names, path):
            differ.append(name)
    return differ, answered


@pytest.mark.parametrize("session_names", SESSION_NAMES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_hand_written_modules_match_the_libcst_scan(name: str, session_names: list[str]) -> None:
    code = CASES[name]
    found = fast(code, session_names)
    if found is not None:
        assert found == reference(code, session_names)


def test_chain_heavy_modules_take_the_fast_path() -> None:
    slow = [name for name, code in CASES.items() if fast(code, []) is None]
    assert sorted(slow) == sorted(UNSURE)


def test_the_fast_path_finds_chains() -> None:
    found = fast(VARIABLES["rebuilt"], [])
    assert found is not None
    assert [(c.is_variable, c.summary) for c in found.chains] == [
        (True, "query variable `q` = db.query(User)")
    ]
    found = fast(DUPLICATES["in one scope"], [])
    assert found is not None
    assert [c.snippet for c in found.chains] == ["db.query(User).all()#1", "db.query(User).all()#2"]


def test_a_variable_assigned_something_else_in_another_branch_is_not_called_reassigned() -> None:
    # an if/else that binds the variable to two things reassigns nothing: the reason says "also"
    code = VARIABLES["assigned something else in another branch"]
    for facts in (fast(code, []), reference(code, [])):
        assert facts is not None
        assert [c.manual.split(" (line")[0] for c in facts.chains] == [
            "query variable `q` is also assigned something else in the function"
        ]


def test_repository_sources_match() -> None:
    sources = repository_sources()
    for session_names in SESSION_NAMES:
        differ, answered = mismatches(sources, session_names)
        assert differ == []
        assert answered > len(sources) * 0.9


@pytest.mark.parametrize("seed", [1, 3, 7])
def test_generated_corpora_match(tmp_path: Path, seed: int) -> None:
    write_webapp_corpus(tmp_path, seed=seed, resources=4)
    sources = {str(p): p.read_text(encoding="utf-8") for p in sorted(tmp_path.rglob("*.py"))}
    with_chains = {name: code for name, code in sources.items() if ".query" in code}
    assert with_chains
    for session_names in SESSION_NAMES:
        differ, answered = mismatches(sources, session_names)
        assert differ == []
        assert answered > len(sources) * 0.9


#: one chain's text used in ways that decide its verdict apart: iterated, returned, printed,
#: awaited, in parentheses, over an alias of the same class
SAME_TEXT = (
    SA
    + "A = aliased(User)\n\n\n"
    + "def a(db: Session):\n"
    + "    for u in db.query(User):\n        pass\n"
    + "    print(db.query(User))\n"
    + "    return db.query(User)\n\n\n"
    + "async def b(db: AsyncSession):\n"
    + "    rows = [u for u in db.query(User).filter(A.id == 1)]\n"
    + "    one = db.query(User).filter(A.id == 1).first()\n"
    + "    more = await db.query(User).filter(A.id == 1).first()\n"
    + "    x = (db.query(User).filter(A.id == 1).first()).name\n"
    + "    return db.query(User).filter(A.id == 1)\n\n\n"
    + "def c(db: Session):\n"
    + "    A = aliased(User)\n"
    + "    return db.query(User).filter(A.id == 1).first()\n"
)


def test_kept_checks_give_the_facts_of_fresh_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chains met again are checked once (``quick_chains._checked``): the facts are those of a
    check of every chain, also when every file is read a second time (all checks then kept)."""
    write_webapp_corpus(tmp_path, seed=5, resources=4)
    sources = dict(repository_sources())
    sources.update({str(p): p.read_text(encoding="utf-8") for p in sorted(tmp_path.rglob("*.py"))})
    sources["same_text.py"] = SAME_TEXT
    trees = {name: tree for name, code in sources.items() if (tree := _tree(code)) is not None}

    def facts() -> list[ModuleFacts | None]:
        return [chain_facts(name, sources[name], tree, ["db"]) for name, tree in trees.items()]

    quick_chains._checked.cache_clear()
    kept = facts()
    again = facts()
    assert quick_chains._checked.cache_info().hits > 200
    monkeypatch.setattr(quick_chains, "_checked", quick_chains._check)
    fresh = facts()
    assert kept == fresh
    assert again == fresh
    assert sum(len(f.chains) for f in fresh if f is not None) > 150


def _tree(code: str) -> ast.Module | None:
    try:
        return ast.parse(code)
    except SyntaxError:
        return None


# --- random programs ------------------------------------------------------------------------------

#: statements with chains appended to generated programs, at module level and in a function
APPENDED = [
    "users = db.session.query(User).filter(User.a == 1).all()\n",
    "first = User.query.order_by(User.id).first()\n",
    "def _f(db: Session):\n    return db.query(User).get(1)\n",
    "def _g(db: Session):\n    q = db.query(User)\n    q = q.filter(x)\n    return q.all()\n",
    "class _R:\n    @classmethod\n    def m(cls):\n        return cls.query.all()\n",
    "def _h(client):\n    return (client.query(User)\n        .all())\n",
]


def _checked(code: str, session_names: list[str]) -> None:
    assume(parses(code))
    found = fast(code, session_names)
    if found is not None:
        assert found == reference(code, session_names)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    program=hypothesmith.from_grammar(),
    appended=st.lists(st.sampled_from(APPENDED), max_size=3),
    session_names=st.sampled_from(SESSION_NAMES),
)
def test_generated_programs_match(
    program: str, appended: list[str], session_names: list[str]
) -> None:
    code = program if program.endswith("\n") or not program else program + "\n"
    _checked(code + "".join(appended), session_names)


ROOTS = [
    "db.query(User)",
    "User.query",
    "models.User.query",
    "db.session.query(User, Post)",
    "session.query(User.id)",
    "self.db.query(User)",
    "cls.query",
    "self.model.query",
    "client.query(User)",
    "conn.query(Post)",
    "s.query(func.count(User.id))",
    "(self).query",
]
BUILDERS = [
    ".filter(User.a == 1)",
    ".filter_by(a=1)",
    ".order_by(User.id.desc())",
    ".join(Post)",
    ".options(joinedload(User.p))",
    ".limit(3)",
    ".with_entities(User.id)",
    ".filter(User.n == 'é')",
    ".filter(\n        User.a == 1,\n    )",
    "\n    .filter(x)  # c\n",
    ".outerjoin(a, a.id == User.id)",
]
ENDS = [
    "",
    ".all()",
    ".first()",
    ".count()",
    ".get(1)",
    "[0]",
    "[1:2]",
    ".paginate(page=1)",
    ".first_or_404()",
    ".delete()",
    ".subquery()",
    ".one_or_none()",
]
CHAIN_USES = [
    "return {c}",
    "{c}",
    "x = {c}",
    "return g(k={c})",
    "return g(*{c})",
    "for u in {c}:\n    pass",
    "return [u for u in {c}]",
    "return lambda: {c}",
    "return Post.id.in_({c})",
    "return await {c}",
    "return ({c})",
    "return list({c})",
    "x = ({c}\n)\nreturn x",
    "return {c}, {c}",
]
VARIABLE_USES = [
    "q = {c}\nq = q.filter(x)\nreturn q{t}",
    "q = {c}\nreturn q{t}",
    "q = {c}\nif y:\n    q = q.order_by(z)\nfor u in q:\n    pass",
    "q = {c}\nq = q{t}\nreturn q",
    "q = {c}\ndef h():\n    return q{t}\nreturn h",
    "q = {c}\nq = {c}\nreturn q{t}",
    "q = {c}\nn = q.count()\nreturn q{t}, n",
    "q = {c}\nreturn lambda: q{t}",
]
PLACES = [
    "def f({s}):\n{b}",
    "async def f({s}):\n{b}",
    "class A:\n    def __init__(self, db: Session):\n        self.db = db\n\n    def m(self, {s}):\n{b8}",
    "class A(db.Model):\n    @classmethod\n    def m(cls, {s}):\n{b8}",
    "def f({s}):\n    def g():\n{b8}    return g\n",
    "def f({s}):\n    if a:\n{t2}",
]


def _indented(code: str, prefix: str) -> str:
    return "".join(f"{prefix}{line}\n" if line.strip() else "\n" for line in code.split("\n"))


#: what may stand before a chain's ``.step``: in parentheses a newline (with a comment) and any
#: indentation, anywhere a backslash continuation
BREAKS = ["", " ", "\n", "  # c\n", " \\\n"]
INDENTS = ["", "  ", "    ", "\t", "        ", "            ", " \t"]


@st.composite
def laid_out(draw: st.DrawFn, chain: str) -> str:
    """``chain`` broken over lines before its steps, in parentheses or with backslashes."""
    parenthesized = draw(st.booleans())
    breaks = BREAKS if parenthesized else [b for b in BREAKS if "\n" not in b or "\\" in b]
    first, *steps = chain.split(".")
    for step in steps:
        gap = draw(st.sampled_from(breaks))
        first += gap + (draw(st.sampled_from(INDENTS)) if "\n" in gap else "") + "." + step
    return f"({first})" if parenthesized else first


@st.composite
def chain_modules(draw: st.DrawFn) -> str:
    """A module with one chain or query variable, used in one of many ways and places."""
    head = draw(st.sampled_from([SA, FSA, LOCAL + "session = SessionLocal()\n\n", ""]))
    chain = draw(st.sampled_from(ROOTS)) + "".join(
        draw(st.lists(st.sampled_from(BUILDERS), max_size=3))
    )
    end = draw(st.sampled_from(ENDS))
    if draw(st.booleans()):
        code = draw(st.sampled_from(CHAIN_USES)).format(c=draw(laid_out(chain + end)))
    else:
        code = draw(st.sampled_from(VARIABLE_USES)).format(c=draw(laid_out(chain)), t=end)
    signature = draw(st.sampled_from(["db: Session", "db", "session", "client", ""]))
    module = head + draw(st.sampled_from(PLACES)).format(
        s=signature,
        b=_indented(code, "    "),
        b8=_indented(code, "        "),
        t2=_indented(code, "\t\t"),
    )
    if draw(st.booleans()):
        module += "\n" + module.split("\n\n")[-1]  # the same code again, in another scope
    if draw(st.booleans()):
        module = module.replace("\n", "\r\n")
    return module


@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(code=chain_modules(), session_names=st.sampled_from(SESSION_NAMES))
def test_generated_chains_match(code: str, session_names: list[str]) -> None:
    _checked(code, session_names)
