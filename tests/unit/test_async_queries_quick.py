"""async-queries' `ast` fast path computes exactly the facts of the LibCST scan, or declines.

``quick.quick_facts`` reads a file without a legacy query from Python's `ast` tree and must return
what ``analyze.scan`` returns for it (without the plumbing and the plan's tree facts): the same
calls, functions, awaits and classes, in the same order, with LibCST's positions (a parenthesised
node's range includes its parentheses; columns count characters), snippets and blockers. Where it
returns None the LibCST scan runs, which is always right; so every answer it gives is checked
against the scan, and a file with a chain must get None. The inputs: hand-written edge cases, every
snapshot input and e2e file, a generated web-app corpus and a bounded run of generated programs.
"""

from __future__ import annotations

import ast
import sys
import warnings
from collections.abc import Sequence
from dataclasses import fields, replace
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from backfix.builtin_codemods.async_queries.analyze import scan
from backfix.builtin_codemods.async_queries.model import ModuleFacts
from backfix.builtin_codemods.async_queries.quick import facts_or_reason, quick_facts
from backfix.builtin_codemods.async_queries.quick_chains import chain_facts
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st
from testkit import repository_sources, write_webapp_corpus

#: where the edge cases live: a package two levels deep, so relative imports resolve
EDGE_PATH = "app/routes/items.py"

_ASYNC = "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker\n"
_FASTAPI = "from fastapi import APIRouter, Depends, FastAPI\n" + _ASYNC
_FLASK = "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n"

#: small modules, one construct (or a few related ones) each
EDGES: dict[str, str] = {
    # --- trivial modules -------------------------------------------------------------------------
    "empty": "",
    "a newline": "\n",
    "a comment": "# nothing here\n",
    "a docstring": '"""Only a docstring."""\n',
    "no final newline": "def f():\n    g()",
    # --- calls of functions, imports and methods ---------------------------------------------------
    "module functions": (
        "def helper():\n    return 1\n\n\ndef main():\n    helper()\n    print(helper())\n"
    ),
    "imported names": (
        "from app.services import notify, Repo as R\nimport app.mail as mail\n\n"
        "def run():\n    notify(1)\n    R().save()\n    mail.send()\n"
    ),
    "dotted imports": (
        "import os.path\nimport app.core.db\n\n"
        "def f():\n    os.path.join('a')\n    app.core.db.connect()\n    os.getcwd()\n"
    ),
    "relative imports": (
        "from . import siblings\nfrom .. import models\nfrom ..core.db import db, engine\n"
        "from .... import too_far\n\n"
        "def f():\n    siblings.list()\n    models.Item()\n    db.session.commit()\n"
    ),
    "self and cls methods": (
        "class Svc:\n"
        "    def a(self):\n        self.b()\n        return self.c(1)\n\n"
        "    def b(self):\n        pass\n\n"
        "    @classmethod\n    def make(cls):\n        return cls.build()\n"
    ),
    "self attributes": (
        "from app.repos import Repo\n\n"
        "class Svc:\n"
        "    def __init__(self, repo: Repo, mailer):\n"
        "        self.repo = repo\n        self.mailer = mailer\n        self.cache = Cache()\n\n"
        "    def run(self):\n        self.repo.save()\n        self.mailer.send()\n"
        "        self.cache.get(1)\n"
    ),
    "fresh instances": (
        "class Svc:\n    def run(self):\n        pass\n\n"
        "def go(db):\n    Svc(db).run()\n    svc(db).run()\n    Svc.make().run()\n"
    ),
    "typed locals and parameters": (
        "from typing import Optional\n\n"
        "def go(repo: Repo, items: list[Repo], opt: Optional[Repo] = None, *rest: Repo):\n"
        "    other = Repo()\n    made = make()\n"
        "    repo.save()\n    items.append(1)\n    opt.save()\n    other.save()\n    made.save()\n"
        "    rest.count()\n"
    ),
    "locals shadow functions": (
        "def helper():\n    pass\n\n"
        "def by_parameter(helper):\n    helper()\n\n"
        "def by_assignment():\n    helper = make()\n    helper()\n\n"
        "def by_loop(items):\n    for helper in items:\n        helper()\n\n"
        "def by_kwargs(**helper):\n    helper()\n\n"
        "def by_tuple(pairs):\n    for helper, x in pairs:\n        helper()\n"
    ),
    "nested functions": (
        "def outer(x):\n"
        "    def inner(y):\n        return helper(x, y)\n\n"
        "    class Local:\n        def method(self):\n            self.run()\n\n"
        "    return inner(1)\n\n"
        "def helper(a, b):\n    pass\n"
    ),
    "nested classes": (
        "class Outer:\n"
        "    class Inner:\n        def m(self):\n            self.other()\n\n"
        "    def other(self):\n        pass\n"
    ),
    # --- functions referenced as values ------------------------------------------------------------
    "callbacks": (
        "from app.hooks import on_save\n\n"
        "def handler():\n    pass\n\n"
        "def setup(app):\n    app.add(handler)\n    app.on('x', callback=handler)\n"
        "    app.register(on_save, *[handler], **{'k': handler})\n    return handler\n"
    ),
    "dict and list tables": (
        "def a():\n    pass\n\ndef b():\n    pass\n\n"
        "TABLE = {'a': a, 'b': b, a: 1}\nLIST = [a, (b), ((a))]\nPAIR = a, b\nFIRST, *REST = a, b\n"
    ),
    "depends and security": (
        _FASTAPI + "from fastapi import Security\nimport fastapi\n\n"
        "def get_db():\n    yield 1\n\n"
        "async def r(db=Depends(get_db), key=Security(get_db), x=fastapi.Depends(get_db),\n"
        "            y=Depends(dependency=get_db)):\n    pass\n"
    ),
    "dependency overrides": (
        "from fastapi import FastAPI\n\nfrom app.db import get_db\n\napp = FastAPI()\n\n"
        "def override():\n    yield None\n\n"
        "app.dependency_overrides[get_db] = override\n"
        "other.overrides[get_db] = override\nhandlers[get_db] = 1\n"
    ),
    "lifespan": (
        "from fastapi import FastAPI\n\nasync def lifespan(app):\n    yield\n\n"
        "app = FastAPI(lifespan=lifespan)\nother = FastAPI(on_startup=[lifespan])\n"
        "third = make(lifespan=lifespan)\n"
    ),
    "decorators as values": (
        "from app.auth import login_required, roles\n\n"
        "def audit(f):\n    return f\n\n"
        "@audit\n@login_required\n@roles(audit)\n@app.wrap(audit)\ndef view():\n    pass\n"
    ),
    "defaults and annotations": (
        "from app.types import Money\n\n"
        "def cb():\n    pass\n\n"
        "def f(x=cb, *, y=(cb), z: Money = 1, w: list[Money] = []) -> Money:\n    pass\n"
        "g = lambda a=cb: a\n"
    ),
    "class bases and keywords": (
        "from app.base import Base, Meta, Mixin\nimport app.models as models\n\n"
        "class A(Base, Mixin, metaclass=Meta):\n    pass\n\n"
        "class B(models.Model, Generic[T], (Base)):\n    pass\n\nclass C:\n    pass\n"
    ),
    "assignment targets": (
        "def helper():\n    pass\n\n"
        "helper: int = 1\nhelper += 1\nhelper = 2\nhelper.x = 3\nhelper[0] = 4\n"
        "for helper in range(3):\n    pass\n"
        "with open('f') as helper:\n    pass\n"
        "x = [1 for helper in range(2)]\ny = {k: v for k, helper in {}.items()}\n"
        "del helper\n"
    ),
    "names in expressions": (
        "from app import util\n\n"
        "def helper():\n    pass\n\n"
        "def f(items):\n"
        "    a = helper if items else util\n    b = helper[0]\n    c = not helper\n"
        "    d = helper == util\n    e = (helper, util)\n    g = {**helper}\n"
        "    h = (w := helper)\n    return f'{helper} {util!r}'\n"
    ),
    # --- parentheses -------------------------------------------------------------------------------
    "parenthesised calls and names": (
        "def f():\n    pass\n\ndef g():\n    pass\n\n"
        "def run():\n    (f())\n    x = ((g))\n    y = ( f ( ) )\n    z = (\n        g()\n    )\n"
        "    return [(f)(), ((g)())]\n"
    ),
    "awaited through parentheses": (
        _ASYNC + "\nasync def save(db: AsyncSession):\n"
        "    await (db.commit())\n    await ((db.flush()))\n    (await db.refresh(x))\n"
        "    (db.rollback())\n    x = (\n        db.execute(q)\n    )\n"
    ),
    "parenthesised unawaited calls": (
        _ASYNC + "\nasync def save(db: AsyncSession):\n"
        "    print((db.commit()), ( db.flush() ))\n    x = [(db.commit())]\n"
        "    y = {(db.commit()): (db.flush())}\n    (db.rollback())\n"
        "    async with (db.connection()) as c:\n        pass\n"
        "    async with (db.connection() as c, db.connection()):\n        pass\n"
        "    return (db.commit()) if (db.flush()) else (db.close())\n"
    ),
    "parenthesised unawaited call and a comment": (
        _ASYNC + "\nasync def save(db: AsyncSession):\n    x = (db.rollback()  # why\n    )\n"
    ),
    "parenthesised unawaited call and a continuation": (
        _ASYNC + "\nasync def save(db: AsyncSession):\n    x = (db.rollback() \\\n    )\n"
    ),
    "parenthesised unawaited call after match": (
        _ASYNC + "\nasync def save(db: AsyncSession, x):\n    match (db.commit()):\n"
        "        case _:\n            pass\n"
    ),
    "calls of functions named like soft keywords": (
        "def match(x=None):\n    pass\n\ndef case(x=None):\n    pass\n\n"
        "def run():\n    match (1)\n    case(match())\n    _ = match\n"
    ),
    "tuple arguments": (
        "def f(*a, **k):\n    pass\n\n"
        "def run(pairs):\n    f((f(), f()), *(f(),), **dict(k=f()))\n    f(*pairs, **{'a': f})\n"
    ),
    # --- calls in blocked contexts -----------------------------------------------------------------
    "lambdas": (
        "def f():\n    pass\n\n"
        "def run():\n    key = lambda x: f()\n    other = lambda x=f(): x\n"
        "    nested = lambda: (lambda: f())\n\nhook = lambda: f()\n"
    ),
    "generator expressions": (
        "def f(x=None):\n    return []\n\n"
        "def run(items):\n    total = sum(f(i) for i in f())\n    any((f(i) for i in items))\n"
        "    return list(x for x in items if f(x))\n"
    ),
    "comprehensions": (
        "def f(x=None):\n    return []\n\n"
        "def run(items):\n    a = [f(i) for i in f()]\n    b = {f(i) for i in items}\n"
        "    c = {i: f(i) for i in items}\n    d = [(lambda: f())() for _ in items]\n"
        "    return [[f(j) for j in f(i)] for i in items]\n"
    ),
    "f-strings": (
        "def f(x=None):\n    return ''\n\n"
        "def run(items):\n    a = f'{f()} and {f(1)!r:>{f(2)}}'\n"
        "    b = f\"{f('q')}\" + f'{\"x\"}{f()}'\n"
        "    c = f'''\n{f(3)}\n  {f(\n 4)}'''\n"
        "    d = f'{ f() }' f'{f()}'\n    return rf'{f()}\\n' + F'{(f())}'\n"
    ),
    "f-strings with non-ASCII": (
        "def f(x=None):\n    return ''\n\ndef run():\n    return f'héllo {f()} wörld {f(\"ü\")}'\n"
    ),
    # --- AsyncSession methods ----------------------------------------------------------------------
    "AsyncSession parameter": (
        _ASYNC + "\nasync def save(db: AsyncSession, item):\n"
        "    db.add(item)\n    db.commit()\n    await db.refresh(item)\n    db.execute(q)\n"
        "    db.execute(q)\n    return db.get(Item, 1)\n\n"
        "def sync_save(db: AsyncSession):\n    db.commit()\n"
    ),
    "AsyncSession in blocked contexts": (
        _ASYNC + "\nasync def save(db: AsyncSession, items):\n"
        "    cb = lambda: db.commit()\n    rows = [db.get(Item, i) for i in items]\n"
        "    gen = (db.get(Item, i) for i in items)\n    msg = f'{db.scalar(q)}'\n"
    ),
    "AsyncSession optional annotations": (
        _ASYNC + "from typing import Optional, Annotated\n\n"
        "async def a(db: Optional[AsyncSession] = None, s: AsyncSession | None = None):\n"
        "    db.commit()\n    s.flush()\n\n"
        "async def b(db: 'AsyncSession', s: Annotated[AsyncSession, 'x']):\n"
        "    db.commit()\n    s.commit()\n"
    ),
    "Annotated dependency aliases": (
        _FASTAPI + "from typing import Annotated\n\n"
        "async def get_db():\n    yield 1\n\n"
        "SessionDep = Annotated[AsyncSession, Depends(get_db)]\n"
        "router = APIRouter()\n\n"
        "@router.get('/items')\nasync def items(db: SessionDep):\n    db.execute(q)\n\n"
        "@router.post('/items')\nasync def create(\n    db: Annotated[AsyncSession, Depends(get_db)],\n"
        "):\n    db.commit()\n\n"
        "@router.delete('/items')\nasync def remove(session=Depends(get_db)):\n"
        "    session.commit()\n    await session.flush()\n"
    ),
    "imported session alias": (
        "from app.deps import SessionDep, CurrentUser\nfrom sqlmodel import Session\n\n"
        "async def route(db: SessionDep, user: CurrentUser, s: Session):\n"
        "    db.commit()\n    s.commit()\n    user.save()\n"
    ),
    "dependency named like a session": (
        _FASTAPI
        + "\nasync def r(a=Depends(get_session), b=Depends(get_db), c=Depends(deps.get_db),\n"
        "            d=Depends(current_user)):\n"
        "    a.commit()\n    b.flush()\n    c.close()\n    d.commit()\n"
    ),
    "self.session set in __init__": (
        _ASYNC + "\nclass Repo:\n"
        "    session: AsyncSession\n    other: Helper\n\n"
        "    def __init__(self, db: AsyncSession, factory=None):\n"
        "        self.db = db\n        self.s = factory\n"
        "        self.local = SessionLocal()\n        self.helper = Helper(db)\n\n"
        "    async def save(self):\n        self.db.commit()\n        self.session.flush()\n"
        "        await self.db.refresh(x)\n        self.s.commit()\n        self.local.commit()\n"
        "        self.helper.run()\n        self.other.run()\n\n"
        "SessionLocal = async_sessionmaker(engine)\n"
    ),
    "self assignments in nested functions": (
        _ASYNC + "\nclass Repo:\n"
        "    def setup(self, db: AsyncSession):\n"
        "        def later():\n            self.db = db\n        later()\n\n"
        "    async def save(self):\n        self.db.commit()\n"
    ),
    "session factories": (
        _ASYNC + "from sqlalchemy.orm import sessionmaker, Session, scoped_session\n\n"
        "SessionLocal = async_sessionmaker(engine)\nSyncLocal = sessionmaker(bind=engine)\n"
        "AsyncLocal = sessionmaker(class_=AsyncSession)\nOddLocal = sessionmaker(class_=Custom)\n"
        "scoped = scoped_session(SyncLocal)\nglobal_session = AsyncSession(engine)\n"
        "Factory: async_sessionmaker = async_sessionmaker(engine)\n\n"
        "async def run():\n    SessionLocal().commit()\n    SyncLocal().commit()\n"
        "    AsyncLocal().flush()\n    OddLocal().close()\n    scoped.commit()\n"
        "    global_session.commit()\n    Factory().commit()\n"
        "    async with SessionLocal() as s:\n        s.commit()\n        await s.flush()\n"
        "    with SyncLocal() as t, AsyncLocal() as u:\n        t.commit()\n        u.commit()\n"
        "    local = SessionLocal()\n    local.commit()\n    ann: AsyncSession = make()\n"
        "    ann.commit()\n"
    ),
    "imported factory": (
        "from app.db import SessionLocal, AsyncSessionLocal\nfrom sqlalchemy.orm import Session\n\n"
        "async def run():\n    async with AsyncSessionLocal() as session:\n        session.commit()\n"
        "    db = SessionLocal()\n    db.commit()\n    s = Session()\n    s.commit()\n"
    ),
    "with session as alias": (
        _ASYNC + "\nasync def run(db: AsyncSession, session, thing):\n"
        "    async with db as s:\n        s.commit()\n"
        "    async with session as s2:\n        s2.commit()\n"
        "    with thing as t:\n        t.commit()\n"
    ),
    "Flask-SQLAlchemy": (
        _FLASK
        + "\napp = Flask(__name__)\ndb = SQLAlchemy(app)\nother: SQLAlchemy = SQLAlchemy()\n\n"
        "def save(item):\n    db.session.add(item)\n    db.session.commit()\n"
        "    other.session.flush()\n    db.session.execute(q)\n"
    ),
    "Flask-SQLAlchemy imported db": (
        "from app.extensions import db\nfrom flask_sqlalchemy import db as fdb\n\n"
        "def save():\n    db.session.commit()\n    fdb.session.commit()\n"
    ),
    "legacy bulk methods": (
        _ASYNC + "\nasync def load(db: AsyncSession, rows):\n"
        "    db.bulk_save_objects(rows)\n    await db.bulk_insert_mappings(Item, rows)\n"
        "    db.bulk_update_mappings(Item, rows)\n"
    ),
    "session_names without option": (
        "def f(conn, session):\n    conn.commit()\n    session.commit()\n"
    ),
    "module-level session calls": (
        _ASYNC + "\nSessionLocal = async_sessionmaker(engine)\nsession = SessionLocal()\n"
        "session.commit()\n\nclass Seed:\n    SessionLocal().commit()\n"
    ),
    # --- the event loop and main guards ------------------------------------------------------------
    "asyncio entry points": (
        "import asyncio\nfrom asyncio import create_task, gather\n\n"
        "async def main():\n    pass\n\nasync def other():\n"
        "    create_task(main())\n    await gather(main(), main())\n    asyncio.ensure_future(main())\n"
        "    loop.run_until_complete(main())\n    asyncio.wait_for(main(), 1)\n    main()\n\n"
        "asyncio.run(main())\n"
    ),
    "main guard": (
        "import asyncio\n\ndef main():\n    pass\n\n"
        "if __name__ == '__main__':\n    main()\n    asyncio.run(main())\n    x = main()\n"
        "    (main())\n"
    ),
    "main guard with two statements": (
        'def a():\n    pass\n\ndef main():\n    pass\n\nif __name__ == "__main__":\n    a(); main()\n'
    ),
    "main guard on one line": "def main():\n    pass\n\nif __name__ == '__main__': main()\n",
    "main guard elif and else": (
        "def main():\n    pass\n\n"
        "if x:\n    main()\nelif __name__ == '__main__':\n    main()\nelse:\n    main()\n"
        "if __name__ == '__main__':\n    pass\nelse:\n    main()\n"
    ),
    "main guard variants": (
        "def main():\n    pass\n\n"
        "if __name__ == '__ma' 'in__':\n    main()\n"
        "if '__main__' == __name__:\n    main()\n"
        "if (__name__ == '__main__'):\n    main()\n"
        "if __name__ == b'__main__':\n    main()\n"
        "if __name__ == '__m\\x61in__':\n    main()\n"
        "if __name__ == (\n  '__main__'  # why\n):\n    main()\n"
        "if __name__ != '__main__':\n    main()\n"
        "if __name__ == '__main__' and ok:\n    main()\n"
        "if __name__ == '''__main__''':\n    main()  # run\n"
        "if True:\n    if __name__ == '__main__':\n        main()\n"
        "def f():\n    if __name__ == '__main__':\n        main()\n"
    ),
    # --- decorators and function blockers ----------------------------------------------------------
    "blocking decorators": (
        "import functools\nfrom sqlalchemy.ext.hybrid import hybrid_property\n\n"
        "class M:\n"
        "    @property\n    def a(self):\n        return go()\n\n"
        "    @a.setter\n    def a(self, v):\n        go()\n\n"
        "    @functools.cached_property\n    def b(self):\n        pass\n\n"
        "    @hybrid_property\n    def c(self):\n        pass\n\n"
        "    @c.expression\n    def c(cls):\n        pass\n\n"
        "    @validates('email')\n    def d(self, key, value):\n        pass\n\n"
        "@event.listens_for(M, 'after_insert')\ndef e(*args):\n    pass\n\n"
        "@contextmanager\ndef f():\n    yield\n\n"
        "@cli.command()\ndef g():\n    pass\n\n"
        "@app.cli.group()\ndef h():\n    pass\n\n"
        "@celery.task(bind=True)\ndef i(self):\n    pass\n\n"
        "@shared_task\ndef j():\n    pass\n\n"
        "@pytest.fixture\ndef k():\n    pass\n\n"
        "@hybrid_method\ndef l():\n    pass\n"
    ),
    "safe decorators": (
        "from fastapi import APIRouter\nrouter = APIRouter()\n\n"
        "class M:\n    @staticmethod\n    def a():\n        pass\n\n"
        "    @classmethod\n    def b(cls):\n        pass\n\n"
        "    @abc.abstractmethod\n    def c(self):\n        pass\n\n"
        "    @override\n    def d(self):\n        pass\n\n"
        "@router.get('/')\ndef e():\n    pass\n\n@router.post('/')\ndef f():\n    pass\n\n"
        "@router.api_route('/', methods=['GET'])\ndef g():\n    pass\n\n"
        "@router.websocket('/ws')\nasync def h(ws):\n    pass\n\n"
        "@app.on_event('startup')\ndef i():\n    pass\n\n@app.middleware('http')\ndef j():\n    pass\n\n"
        "@app.exception_handler(Exception)\ndef k():\n    pass\n\n@router.route('/')\ndef l():\n    pass\n"
    ),
    "other decorators": (
        "import functools\n\n@functools.lru_cache(maxsize=None)\ndef a():\n    pass\n\n"
        "@login_required\ndef b():\n    pass\n\n@login_required\nasync def c():\n    pass\n\n"
        "@some.deeply.nested(  1,\n  2 )\ndef d():\n    pass\n\n"
        "@(lambda f: f)\ndef e():\n    pass\n\n@wrap[0]\ndef f():\n    pass\n"
    ),
    "decorators with comments": (
        "@cache  # memoise\ndef a():\n    pass\n\n"
        "@retry(  # tries\n    times=3,  # three\n)\ndef b():\n    pass\n\n"
        "class C:\n    @retry(\n        times=3,\n    )\n    def m(self):\n        pass\n\n"
        "    @cached(\n        # why\n        ttl=1)\n    def n(self):\n        pass\n"
    ),
    "decorators over several lines": (
        "@cache.memoize(\n    timeout=60,\n\n    key='k',\n)\ndef a():\n    pass\n\n"
        "class C:\n    @cache.memoize(\n        timeout=60,  # why\n  unindented=1,\n"
        "        # a comment line\n    )\n    def m(self):\n        pass\n\n"
        "    @app.action(\n        {'type': 'x'},\n        middleware=[a, b],\n    )\n"
        "    async def n(self):\n        pass\n\n"
        "    @wrap(\n\tx)\n    def o(self):\n        pass\n"
    ),
    "decorators over several lines with strings": (
        "@doc('''\n    text\n    ''')\ndef a():\n    pass\n\n"
        "class C:\n    @doc(\n        'a'\n        'b',\n    )\n    def m(self):\n        pass\n"
    ),
    "decorators over several lines with CRLF": (
        "class C:\r\n    @cache(\r\n        timeout=60,\r\n    )\r\n    def m(self):\r\n"
        "        pass\r\n"
    ),
    "decorators with a line continuation": (
        "@cache(timeout=1, \\\n       other=2)\ndef a():\n    pass\n"
    ),
    "tenacity retry": (
        "from tenacity import retry, stop_after_attempt\nimport tenacity\n\n"
        "@retry\ndef a():\n    pass\n\n@retry(stop=stop_after_attempt(3))\ndef b():\n    pass\n\n"
        "@tenacity.retry\ndef c():\n    pass\n"
    ),
    "flask routes": (
        "from flask import Flask, Blueprint\n\napp = Flask(__name__)\nbp = Blueprint('b', __name__)\n\n"
        "@app.route('/')\ndef index():\n    pass\n\n@bp.get('/x')\ndef x():\n    pass\n\n"
        "@bp.post('/y')\nasync def y():\n    pass\n\n@bp.head('/z')\ndef z():\n    pass\n"
    ),
    "flask and fastapi together": (
        "from flask import Flask\nfrom fastapi import FastAPI\n\n"
        "@app.get('/')\ndef a():\n    pass\n\n@app.route('/')\ndef b():\n    pass\n"
    ),
    "route without flask": "@app.route('/')\ndef index():\n    pass\n",
    "dunder and test functions": (
        "class A:\n    def __init__(self):\n        go()\n\n    def __repr__(self):\n        pass\n"
        "\n    def __private(self):\n        pass\n\n"
        "def test_something():\n    go()\n\nasync def test_async():\n    pass\n\n"
        "def testing():\n    pass\n\ndef __dunder__():\n    pass\n"
    ),
    "generators": (
        "def own():\n    yield 1\n\n"
        "def nested_only():\n    def inner():\n        yield 1\n    return inner\n\n"
        "def lambda_only():\n    return lambda: (yield)\n\n"
        "def in_comment():\n    # yield here\n    return 'yield'\n\n"
        "async def agen():\n    yield 1\n\n"
        "def from_():\n    yield from other()\n\n"
        "def in_class():\n    class A:\n        x = [(yield)]\n"
        "def in_expression():\n    x = (yield)\n    return x\n"
    ),
    "methods order": (
        "class A(Base):\n    x = 1\n\n    def b(self):\n        pass\n\n"
        "    async def a(self):\n        pass\n\n    if flag:\n        def hidden(self):\n"
        "            pass\n\n    @dec\n    def c(self):\n        pass\n\n"
        "    class Inner:\n        def d(self):\n            pass\n"
        "\nclass Empty: pass\n\nclass Line: x = 1; y = 2\n"
    ),
    "class attribute annotations": (
        _ASYNC + "from sqlalchemy.orm import Session\n\n"
        "class A:\n    db: AsyncSession\n    sync: Session\n    repo: Repo\n    items: list[Repo]\n"
        "    n: int = 0\n    x: 'AsyncSession'\n\n"
        "    async def run(self):\n        self.db.commit()\n        self.sync.commit()\n"
        "        self.repo.save()\n        self.items.append(1)\n"
    ),
    "classes in blocks": (
        _ASYNC + "\nif flag:\n    class A:\n        db: AsyncSession\n\n"
        "        async def run(self):\n            self.db.commit()\n"
        "\nclass A:\n    other: AsyncSession\n"
    ),
    "functions in blocks": (
        "try:\n    def helper():\n        pass\nexcept ImportError:\n    helper = None\n\n"
        "def run():\n    helper()\n"
    ),
    "imports in blocks": (
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app.repo import Repo\n"
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n\n"
        "def run(r: Repo):\n    import app.local as local\n    json.dumps({})\n    local.go()\n"
        "    r.save()\n"
    ),
    # --- positions ---------------------------------------------------------------------------------
    "non-ASCII before calls": (
        "def f(x=None):\n    pass\n\ndef run():\n    é = 'ünïcödé'; f()\n    x = '日本語' + f('€')\n"
        "    # ça va\n    y = {'ключ': f()}\n    z = '😀'; (f())\n"
    ),
    "identifiers Python normalizes": (
        "def \ufb01le():\n    pass\n\ndef run():\n    file()\n    \uff46()\n"
    ),
    "non-ASCII identifiers": "def \u00e9t\u00e9():\n    pass\n\ndef run():\n    \u00e9t\u00e9()  # m\u00b2\n",
    "CRLF line endings": (
        "def f():\r\n    pass\r\n\r\n@dec(\r\n  1)\r\ndef run():\r\n    f()\r\n    x = (\r\n"
        "        f()\r\n    )\r\n    y = '''a\r\nb''' + f()\r\n"
    ),
    "CR line endings": "def f():\r    pass\r\rdef run():\r    f()\r",
    "tabs": "def f():\n\tpass\n\nclass A:\n\tdef run(self):\n\t\tf()\n\t\tx = [\n\t\t\tf()]\n",
    "backslash continuations": (
        "def f(x=None):\n    pass\n\ndef run():\n    x = 1 + \\\n        f()\n"
        "    y = f \\\n        (1)\n    return \\\n        f()\n"
    ),
    "comments between tokens": (
        "def f(x=None):\n    pass\n\ndef run():\n    x = f(  # first\n        1,  # one\n    )\n"
        "    y = (  # wrap\n        f()\n    )\n    z = f(\n        # before\n    )\n"
    ),
    "semicolons and one-line bodies": (
        "def f(): pass\ndef g(): f(); f()\nclass A: \n    def m(self): self.n(); f()\n"
        "if x: f()\nwhile f(): f()\nfor i in f(): f()\n"
    ),
    "statements of every kind": (
        "def f(x=None):\n    return []\n\n"
        "async def run(items):\n"
        "    assert f(), f()\n    del f()[0]\n    raise f() from f()\n"
        "    try:\n        f()\n    except (f(), E) as e:\n        f()\n    else:\n        f()\n"
        "    finally:\n        f()\n"
        "    while f():\n        break\n    else:\n        f()\n"
        "    async for i in f():\n        f()\n    async with f() as a, f():\n        f()\n"
        "    x = yield f()\n    return await f()\n"
    ),
    "star expressions and slices": (
        "def f(x=None):\n    return []\n\n"
        "def run():\n    a, *b = f()\n    c = [*f(), *f()]\n    d = f()[f():f():f()]\n"
        "    e = {**f(), 'k': f()}\n    g = f()[f(), ...]\n    return -f() ** f()\n"
    ),
    "walrus and conditionals": (
        "def f(x=None):\n    return []\n\n"
        "def run():\n    if (n := f()) and f():\n        pass\n    x = f() if f() else f()\n"
        "    return [y for x in f() if (y := f(x))]\n"
    ),
    "strings that look like code": (
        'def f():\n    pass\n\ndef run():\n    s = \'f()\'\n    t = """\n    f()\n    """\n'
        "    u = '(' ; f()\n    v = ')'  ; (f())\n"
    ),
    "async functions": (
        "async def a():\n    pass\n\nasync def b():\n    await a()\n    a()\n    x = [await a() for _ in []]\n"
        "    async with a() as c:\n        pass\n    return await (a())\n"
    ),
    "global and nonlocal": (
        "_cache = None\n\ndef helper():\n    pass\n\n"
        "def load():\n    global _cache, _other\n    _cache = helper()\n\n"
        "def outer():\n    n = 0\n    def inner():\n        nonlocal n\n        n = helper()\n"
        "    return inner\n"
    ),
    "global naming a function": (
        "def helper():\n    pass\n\ndef load():\n    global helper\n    helper = 1\n"
    ),
    "match statements": (
        "from app import util\n\ndef helper(x=None):\n    pass\n\n"
        "def run(command, db: AsyncSession):\n"
        "    match helper(command):\n"
        "        case [first, *rest] if util.ok(first):\n            helper(rest)\n"
        "        case {'k': value, **others}:\n            local = Repo()\n            local.save()\n"
        "        case Point(x=0, y=found) | Other(found):\n            db.commit()\n"
        "        case util.CONSTANT:\n            pass\n"
        "        case _:\n            helper()\n"
        "match util.mode():\n    case 'a':\n        import app.extra as extra\n"
    ),
    "match capturing a function name": (
        "def helper():\n    pass\n\ndef run(x):\n    match x:\n        case [helper]:\n"
        "            pass\n"
    ),
    "None, True and False as names": (
        "def f(x: None = None, y: True = 1):\n    x.save()\n    y.save()\n    z = None()\n"
        "    z.save()\n    None().go()\n    True()\n\n"
        "class A(None, False):\n    def __init__(self):\n        self.a = False()\n\n"
        "    def m(self):\n        self.a.go()\n"
    ),
    "query attributes that start no chain": (
        "from unittest.mock import MagicMock\n\ndef helper():\n    pass\n\n"
        "def read(request, url, args):\n    q = request.query\n    r = url.query or ''\n"
        "    helper(args.query, request.url.query)\n    return q\n\n"
        "class Serializer:\n    def __init__(self, query):\n        self.query = query\n\n"
        "    def run(self):\n        return list(self.query)\n\n"
        "def test_mock():\n    db = MagicMock()\n    db.query.return_value = []\n"
    ),
    "type comments and defaults": (
        "def f(a,  # type: int\n      b=None,  # type: str\n      ):\n    # type: (...) -> None\n    f(1)\n"
    ),
    # --- names a comprehension binds are its own --------------------------------------------------
    "comprehension names shadowing functions": (
        "def load():\n    return 1\n\n\ndef names(loaders, rows):\n"
        "    a = [load() for load in loaders]\n    b = {load for load in loaders}\n"
        "    c = {load: n for (load, [n, *_]) in rows}\n    d = list(load for load in loaders)\n"
        "    e = [load for x in rows]\n    return a, b, c, d, e, load()\n"
    ),
}

#: modules with legacy chains, for ``chain_facts`` (``quick_facts`` declines them)
CHAIN_EDGES: dict[str, str] = {
    "session chains": (
        "from sqlalchemy.orm import Session\n\n"
        "def f(db: Session, name):\n    a = db.query(User).filter_by(name=name).first()\n"
        "    b = (db.query(User)\n         .filter(User.id > 1)  # why\n         .all())\n"
        "    c = [u for u in db.query(User).all()]\n    return db.query(User.id).count()\n"
    ),
    "model chains": (
        "from app import db\n\n"
        "def f():\n    a = User.query.get_or_404(1)\n    b = models.User.query.filter_by(x=1).all()\n"
        "    return f'{User.query.count()}'\n\n"
        "class User(db.Model):\n    @classmethod\n    def first(cls):\n"
        "        return cls.query.first()\n"
    ),
    "db imported by the function": (
        "from flask import g\n\n"
        "def f():\n    from app import db\n    from . import db as rel\n"
        "    from flask import g as fg\n    if db:\n        from app.ext import db as other\n"
        "    a = db.session.query(User).all()\n    b = rel.session.query(User).first()\n"
        "    def inner():\n        return other.session.query(User).count()\n"
        "    return fg.session.query(User).all()\n\n"
        "def g():\n    return db.session.query(User).all()\n"
    ),
    "query variables": (
        "def f(db: Session, flag):\n    q = db.query(User)\n    if flag:\n"
        "        q = q.filter(User.active)\n    return q.all()\n\n"
        "def g(db: Session):\n    q = db.query(User)\n    return q\n"
    ),
    "query variable named in global and match": (
        "def f(db: Session, cmd):\n    global q\n    q = db.query(User)\n    return q.all()\n\n"
        "def g(db: Session, cmd):\n    q = db.query(User)\n    match cmd:\n"
        "        case [q]:\n            pass\n    return q.all()\n"
    ),
    "chains beside unawaited calls": (
        _ASYNC + "\nasync def f(db: AsyncSession):\n    db.commit()\n"
        "    rows = db.query(User).all()\n    db.commit()\n    return (db.query(User).first())\n"
    ),
    "chains over several lines in methods": (
        "from sqlalchemy.orm import Session, aliased\n\n"
        "class Repo:\n    def __init__(self, db: Session):\n        self.db = db\n\n"
        "    def active(self, name):\n        return (\n            self.db.query(User)\n"
        "            .filter(User.name == name)  # é\n            .order_by(User.id)\n"
        "            .all()\n        )\n\n"
        "    def pages(self):\n        return self.db.query(User).filter(\n"
        "            User.id > 1,\n        ).paginate(page=1)\n\n"
        "    def other(self):\n        return self.db.query(User).first()\n"
    ),
    "chains in blocked contexts": (
        _ASYNC + "\nasync def f(db: AsyncSession, ids):\n    g = lambda: db.query(User).all()\n"
        "    xs = (db.query(User).get(i) for i in ids)\n    ys = [db.query(User).get(i) for i in ids]\n"
        "    z = await db.query(User).first()\n    return db.query(User)[0]\n\n"
        "class Seed:\n    rows = SessionLocal().query(User).all()\n"
    ),
    "query variables across nested functions": (
        "from sqlalchemy.orm import aliased\n\n"
        "def f(db: Session):\n    A = aliased(User)\n    q = db.query(A)\n"
        "    def inner():\n        return q.all()\n    return inner()\n\n"
        "def g(db: Session):\n    q = db.query(User)\n    q = make()\n    return q.all()\n\n"
        "def h(db: Session):\n    q = db.query(User)\n    rows = q.all()\n    n = q.count()\n"
        "    return q.statement\n"
    ),
    "Flask-SQLAlchemy session chains": (
        "from flask_sqlalchemy import SQLAlchemy\n\ndb = SQLAlchemy()\n\n"
        "def f():\n    a = db.session.query(User).filter_by(x=1).one()\n"
        "    b = User.query.paginate(page=2, per_page=10)\n    return User.query.first_or_404()\n"
    ),
    "chains with tabs": "class Repo:\n\tdef f(self, db: Session):\n\t\treturn (db.query(User)\n\t\t\t.all())\n",
    "chains with CRLF": (
        "def f(db: Session):\r\n    return (db.query(User)\r\n            .filter(User.a)\r\n"
        "            .all())\r\n"
    ),
    "untyped receivers": (
        "def f(conn, self_model):\n    a = conn.query(User).all()\n"
        "    b = self_model.query.filter(x).all()\n    return conn.query('text')\n"
    ),
    "query variables combined by a set operation": (
        "from sqlalchemy import union_all\n\n"
        "def standings(db):\n"
        "    scores = db.session.query(Solves.account_id).group_by(Solves.account_id)\n"
        "    awards = db.session.query(Awards.account_id).group_by(Awards.account_id)\n"
        "    results = union_all(scores, awards).alias('results')\n"
        "    kept = db.session.query(Awards.id)\n"
        "    return results, keep(kept)\n"
    ),
    "bulk writes on a class nobody can name": (
        "class Repo:\n    @classmethod\n    def purge(cls, key):\n"
        "        cls.query.filter_by(key=key).delete()\n"
        "        cls.challenge_model.query.filter_by(id=key).update({'state': 'x'})\n"
    ),
    "query variables tested for truth": (
        "def purge(db, name, flag):\n"
        "    rows = db.session.query(Thing).filter(Thing.name == name)\n"
        "    if rows:\n        rows.delete()\n"
        "    kept = db.session.query(Thing)\n"
        "    while not kept and flag:\n        flag = False\n"
        "    other = db.session.query(Thing)\n"
        "    return (other and flag), kept.all()\n"
    ),
    "a class held in a variable": (
        "def f(kind, Chosen):\n    Model = class_for(kind)\n    a = Model.query.all()\n"
        "    q = Model.query\n    b = Chosen.query.filter_by(id=1).first()\n"
        "    return a, b, q.all(), Team.query.all()\n"
    ),
}

#: edge cases run with the ``session_names`` option: (code, names)
NAMED_EDGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "plain names": ("def f(conn, session):\n    conn.commit()\n    session.commit()\n", ("conn",)),
    "attribute names": (
        "class Repo:\n    def run(self):\n        self.conn.commit()\n        self.other.commit()\n",
        ("conn",),
    ),
    "module level": ("conn = connect()\nconn.commit()\n\ndef f():\n    conn.flush()\n", ("conn",)),
    "shadowed local": (
        "def f():\n    conn = make()\n    conn.commit()\n    other = 1\n    other.commit()\n",
        ("conn", "x"),
    ),
    "parameter default": (
        "from fastapi import Depends\n\nasync def r(conn=Depends(get_conn)):\n    conn.commit()\n",
        ("conn",),
    ),
}

#: a typical FastAPI route module without a legacy query: the fast path must take it
ROUTES = """\
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.db import get_session
from app.models import Item
from app.schemas import ItemIn, ItemOut

router = APIRouter(prefix="/items")
SessionDep = Annotated[AsyncSession, Depends(get_session)]


def _not_found(item_id: int) -> HTTPException:
    return HTTPException(status_code=404, detail=f"item {item_id} not found")


@router.get("/{item_id}", response_model=ItemOut)
async def read_item(item_id: int, db: SessionDep) -> Item:
    item = await db.get(Item, item_id)
    if item is None:
        raise _not_found(item_id)
    return item


@router.get("/", response_model=list[ItemOut])
async def list_items(db: SessionDep, limit: int = 20) -> list[Item]:
    rows = await db.scalars(select(Item).order_by(Item.id).limit(limit))
    return list(rows)


@router.post("/", response_model=ItemOut, status_code=201)
async def create_item(payload: ItemIn, db: SessionDep) -> Item:
    item = Item(**payload.model_dump())
    db.add(item)
    db.commit()
    await db.refresh(item)
    return item
"""

#: modules with a legacy query: the fast path must leave them to the LibCST scan
WITH_QUERIES: dict[str, str] = {
    "session query": "def f(db: Session):\n    return db.query(User).all()\n",
    "model query": "def f():\n    return User.query.filter_by(id=1).first()\n",
    "query variable": "def f(db):\n    q = db.query(User)\n    return q.all()\n",
    "untyped query": "def f(self):\n    return self.model.query.all()\n",
    "cls query": "class A:\n    @classmethod\n    def f(cls):\n        return cls.query\n",
    "dotted model query": "def f():\n    return models.User.query\n",
    "query method on a query attribute": "def f(x):\n    return x.query.count()\n",
    "query call of any receiver": "def f(client):\n    return client.query('q')\n",
}


def _reference(
    path: str, text: str, session_names: Sequence[str], not_sessions: Sequence[str] = ()
) -> ModuleFacts:
    """What the LibCST scan finds, without what the fast path never computes."""
    result, _ = scan(path, cst.parse_module(text), text, session_names, True, not_sessions)
    return replace(result.facts, plumbing=None, tree=None)


def _parse(text: str) -> ast.Module:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # invalid escapes in generated programs
        return ast.parse(text)


def _quick(
    path: str, text: str, session_names: Sequence[str] = (), not_sessions: Sequence[str] = ()
) -> ModuleFacts | None:
    return quick_facts(path, text, _parse(text), session_names, not_sessions)


def _differences(expected: ModuleFacts, got: ModuleFacts) -> list[str]:
    """One line per differing field: the first differing item, or the whole field when short."""
    lines = []
    for item in fields(ModuleFacts):
        want, have = getattr(expected, item.name), getattr(got, item.name)
        if want == have:
            continue
        if isinstance(want, tuple) and isinstance(have, tuple):
            pairs = [(i, w, h) for i, (w, h) in enumerate(zip(want, have, strict=False)) if w != h]
            if pairs:
                index, w, h = pairs[0]
                lines.append(f"{item.name}[{index}]: scan {w!r} != quick {h!r}")
                continue
            lines.append(f"{item.name}: scan has {len(want)} items, quick {len(have)}")
            continue
        lines.append(f"{item.name}: scan {want!r} != quick {have!r}")
    return lines


def _mismatch(
    path: str, text: str, session_names: Sequence[str] = (), not_sessions: Sequence[str] = ()
) -> list[str]:
    """Where the fast paths disagree with the scan on ``text`` ([] when they agree or decline):
    ``quick_facts`` (files without chains) and ``chain_facts`` (every file, chains included)."""
    expected = _reference(path, text, session_names, not_sessions)
    found = []
    got = _quick(path, text, session_names, not_sessions)
    if got is not None and expected.chains:
        found.append(f"{path}: fast path taken on a file with {len(expected.chains)} chain(s)")
    elif got is not None:
        found.extend(f"{path}: quick: {line}" for line in _differences(expected, got))
    full = chain_facts(path, text, _parse(text), session_names, not_sessions)
    if full is not None:
        found.extend(f"{path}: chains: {line}" for line in _differences(expected, full))
    return found


def _parses(text: str) -> bool:
    try:
        _parse(text)
        cst.parse_module(text)
    except (SyntaxError, ValueError, RecursionError, cst.ParserSyntaxError):
        return False
    return True


@pytest.mark.parametrize("name", sorted(EDGES))
def test_edge_cases_match_the_scan(name: str) -> None:
    assert _mismatch(EDGE_PATH, EDGES[name]) == []


@pytest.mark.parametrize("name", sorted(CHAIN_EDGES))
def test_chain_edge_cases_match_the_scan(name: str) -> None:
    code = CHAIN_EDGES[name]
    assert _reference(EDGE_PATH, code, ()).chains
    assert _quick(EDGE_PATH, code) is None
    assert _mismatch(EDGE_PATH, code) == []


@pytest.mark.parametrize("name", sorted(NAMED_EDGES))
def test_session_names_match_the_scan(name: str) -> None:
    code, names = NAMED_EDGES[name]
    assert _mismatch(EDGE_PATH, code, names) == []


#: a module that names the project's own classes called like SQLAlchemy's session classes
FOREIGN_SESSIONS = """\
from sqlalchemy.orm import sessionmaker

from app import http
from app.http import AsyncSession
from .cinema import Session as Screening

Factory = sessionmaker(class_=AsyncSession)


class Session(dict):
    pass


class Client:
    browser: AsyncSession

    def __init__(self, other: AsyncSession):
        self.other = other
        self.third = http.AsyncSession()


async def visit(client: AsyncSession, show: Screening):
    browser = AsyncSession()
    local = Session()
    page: AsyncSession = http.AsyncSession()
    await browser.get("/")
    page.get("/")
    local.get("x")
    client.get("/")
"""


def test_foreign_session_classes_match_the_scan() -> None:
    """The fast paths and the scan agree on the names ``not_sessions`` excludes, and those
    names change what both read."""
    foreign = ("app.http.AsyncSession", "app.cinema.Session", "app.views.Session")
    path = "app/views.py"
    assert _mismatch(path, FOREIGN_SESSIONS, (), foreign) == []
    assert _reference(path, FOREIGN_SESSIONS, (), foreign) != _reference(path, FOREIGN_SESSIONS, ())
    assert _reference(path, FOREIGN_SESSIONS, (), foreign).awaits == ()


@pytest.mark.parametrize("name", sorted(WITH_QUERIES))
def test_files_with_a_query_attribute_are_left_to_the_scan(name: str) -> None:
    assert _quick(EDGE_PATH, WITH_QUERIES[name]) is None


def test_a_route_module_takes_the_fast_path() -> None:
    facts = _quick(EDGE_PATH, ROUTES)
    assert facts is not None
    assert facts == _reference(EDGE_PATH, ROUTES, ())
    assert [a.method for a in facts.awaits] == ["commit"]
    assert {f.qual for f in facts.functions} >= {"read_item", "list_items", "create_item"}


#: the edge cases the fast path leaves to the LibCST scan, and why; it takes every other one
DECLINED = {
    "parenthesised unawaited call after match": (
        "a parenthesis after `match` or `case`: a call, or a soft keyword"
    ),
    "other decorators": "a decorator in parentheses",
    "decorators over several lines with strings": "a string over several lines",
    "decorators with a line continuation": "a line continuation in a node over several lines",
    "identifiers Python normalizes": (
        "an identifier Python normalizes (NFKC), which LibCST keeps as written"
    ),
    "global naming a function": "`helper` in a `Global` names a function or import",
    "match capturing a function name": "`helper` in a `MatchAs` names a function or import",
}


def test_the_fast_path_declines_only_what_it_cannot_reproduce() -> None:
    """The comparison above would pass on a fast path that always declines."""
    declined = {}
    for name, code in EDGES.items():
        found = facts_or_reason(EDGE_PATH, code, _parse(code), ())
        if isinstance(found, str):
            declined[name] = found
    assert declined == DECLINED


def test_a_module_nested_too_deeply_is_left_to_the_scan() -> None:
    """The walk is recursive: a very long expression declines rather than fails the file.

    (An operator nests in one frame of the walk: 3,000 terms, not 600, pass Python's default.)"""
    code = "def f():\n    return " + " + ".join(["g()"] * 3000) + "\n"
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))  # as the engine does: `ast` builds the tree
    try:
        tree = _parse(code)
    finally:
        sys.setrecursionlimit(limit)
    # Other tests may have raised the limit (the engine does, for LibCST): use Python's default.
    sys.setrecursionlimit(1000)
    try:
        declined = facts_or_reason(EDGE_PATH, code, tree, ())
        chained = chain_facts(EDGE_PATH, code, tree, ())
    finally:
        sys.setrecursionlimit(limit)
    assert declined == "nested too deeply for the fast path's recursive walk"
    assert chained is None


def test_a_long_expression_the_scan_reads_is_no_failure() -> None:
    """300 terms nest deep enough for the chain walk's recursion, not for the LibCST scan's."""
    code = "def f():\n    return " + " + ".join(["g()"] * 300) + "\n"
    assert _mismatch(EDGE_PATH, code) == []


def test_repository_sources_match_the_scan() -> None:
    found, taken = [], 0
    for path, text in repository_sources().items():
        if _parses(text):
            found.extend(_mismatch(path, text))
            taken += _quick(path, text) is not None
    assert found == []
    assert taken >= 100  # most e2e files and many snapshot inputs hold no legacy query


@pytest.mark.parametrize(("seed", "resources"), [(1, 6), (7, 3)])
def test_a_generated_corpus_matches_the_scan(tmp_path: Path, seed: int, resources: int) -> None:
    write_webapp_corpus(tmp_path, seed=seed, resources=resources)
    found, taken = [], 0
    for file in sorted(tmp_path.rglob("*.py")):
        text = file.read_text(encoding="utf-8")
        path = file.relative_to(tmp_path).as_posix()
        found.extend(_mismatch(path, text))
        taken += _quick(path, text) is not None
    assert found == []
    assert taken > 0


@pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")
@settings(
    max_examples=100,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(program=hypothesmith.from_grammar())
def test_generated_programs_match_the_scan(program: str) -> None:
    if not _parses(program):
        reject()
    assert _mismatch("pkg/generated.py", program) == []


# --- modules assembled from the constructs the scan reads ------------------------------------------

_HEADERS = (
    "import asyncio\n",
    "from app import util\n",
    "from app.repo import Repo\n",
    "from app.db import SessionLocal, db\n",
    "from fastapi import Depends, FastAPI\n",
    "from flask import Flask\n",
    "from tenacity import retry\n",
    "from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker\n",
    "from sqlalchemy.orm import Session, sessionmaker\n",
    "from typing import Annotated\n",
    "Factory = async_sessionmaker(engine)\n",
    "SyncFactory = sessionmaker()\n",
    "SessionDep = Annotated[AsyncSession, Depends(get_db)]\n",
    "ext = SQLAlchemy()\n",
    "TABLE = {'h': helper, 'r': (Repo)}\n",
)
_DECORATORS = (
    "",
    "@property\n",
    "@app.get('/x')\n",
    "@app.route('/x')\n",
    "@retry\n",
    "@retry(times=2)\n",
    "@cache  # memo\n",
    "@wrap(\n    helper,\n)\n",
    "@contextmanager\n",
    "@staticmethod\n",
    "@cache.memoize(\n    timeout=1,  # why\n)\n",
    "@app.post(\n    '/x',\n    dependencies=[Depends(helper)],\n)\n",
)
_PARAMS = (
    "",
    "db: AsyncSession",
    "db: SessionDep",
    "session=Depends(get_db)",
    "repo: Repo, db: Session",
    "helper, *args, **kw",
    "db, cb=helper",
    "s: 'AsyncSession' = None",
)
_STATEMENTS = (
    "helper()",
    "(helper())",
    "x = ((helper))",
    "util.go(helper)",
    "Repo(db).save()",
    "repo.save()",
    "db.commit()",
    "await db.commit()",
    "await (db.flush())",
    "db.bulk_save_objects([])",
    "session.execute(q)",
    "self.db.commit()",
    "self.repo.save()",
    "self.run()",
    "Factory().commit()",
    "SyncFactory().commit()",
    "db.session.commit()",
    "ext.session.commit()",
    "asyncio.run(helper())",
    "asyncio.create_task(helper())",
    "cb = lambda: helper()",
    "xs = [helper(i) for i in util.items()]",
    "g = (db.get(A, i) for i in helper())",
    "s = f'{helper()} é {db.scalar(q)}'",
    "yield helper",
    "for helper in []: pass",
    "with Factory() as s2: s2.commit()",
    "local = Repo(); local.save()",
    "db = SessionLocal(); db.commit()",
    "x = 'ü'; helper()",
    "x = (\n        helper()  # why\n    )",
    "y = helper \\\n        ()",
    "def inner():\n        helper()",
    "global helper",
    "rows = db.query(Repo).filter(Repo.x == 1).all()",
    "q = session.query(Repo)\n    q = q.filter(Repo.y)\n    q.first()",
    "n = (Repo.query\n        .count())",
    "m = self.model.query.all()",
    "k = request.query",
    "nonlocal_ = request.query",
    "match db.execute(q):\n        case [Repo(x=helper)]:\n            helper()\n        case _:\n            db.flush()",
    "z = (\n        db.commit()\n    )",
    "print((db.commit()))",
    "w = [(Repo) for helper in (db.scalars(q))]",
    "v = f'{db.commit()!r:>{helper()}}'",
    "class Local:\n        def m(self):\n            self.n()",
)


def _function(draw: st.DrawFn, name: str, indent: str, in_class: bool) -> str:
    decorator = draw(st.sampled_from(_DECORATORS))
    params = draw(st.sampled_from(_PARAMS))
    params = ", ".join(p for p in ("self" if in_class else "", params) if p)
    asynchronous = draw(st.sampled_from(("", "async ")))
    body = draw(st.lists(st.sampled_from(_STATEMENTS), min_size=1, max_size=4))
    lines = [indent + line for line in decorator.splitlines()]
    lines.append(f"{indent}{asynchronous}def {name}({params}):")
    lines.extend(f"{indent}    " + stmt.replace("\n", "\n" + indent) for stmt in body)
    return "\n".join(lines) + "\n"


@st.composite
def _modules(draw: st.DrawFn) -> str:
    parts = list(draw(st.lists(st.sampled_from(_HEADERS), max_size=5)))
    parts.append("def helper():\n    pass\n")
    for index in range(draw(st.integers(1, 4))):
        shape = draw(st.sampled_from(("function", "class", "guard", "statement")))
        if shape == "function":
            parts.append(
                _function(draw, draw(st.sampled_from(("run", "test_x", "__call__"))), "", False)
            )
        elif shape == "class":
            base = draw(st.sampled_from(("", "(Repo)", "(Base, metaclass=M)")))
            header = f"class C{index}{base}:\n    db: AsyncSession\n"
            methods = [
                _function(draw, f"m{i}", "    ", True) for i in range(draw(st.integers(1, 3)))
            ]
            parts.append(header + "".join(methods))
        elif shape == "guard":
            parts.append("if __name__ == '__main__':\n    helper()\n")
        else:
            parts.append(draw(st.sampled_from(_STATEMENTS)).replace("\n    ", "\n") + "\n")
    newline = draw(st.sampled_from(("\n", "\r\n")))
    return "\n".join(parts).replace("\n", newline)


@pytest.mark.filterwarnings("ignore::SyntaxWarning")
@settings(
    max_examples=150,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(module=_modules(), names=st.sampled_from(((), ("repo",), ("db", "s2"))))
def test_assembled_modules_match_the_scan(module: str, names: tuple[str, ...]) -> None:
    if not _parses(module):
        reject()
    assert _mismatch(EDGE_PATH, module, names) == []


def test_a_dependency_overridden_by_key_is_not_a_value_use() -> None:
    """``app.dependency_overrides[get_db] = ...``: FastAPI never calls the key, so a `get_db`
    that becomes async needs no `await` there (both readings agree, see the edge cases)."""
    text = EDGES["dependency overrides"]
    facts = scan("app/tests.py", cst.parse_module(text), text, [])[0].facts
    values = [
        call.line for call in facts.calls if call.is_value and call.target == ("sym", "get_db")
    ]
    assert values == [11, 12]  # `other.overrides[get_db]`, `handlers[get_db]`: not FastAPI's
