"""lazy-clients' `ast` pre-check never hides a client: where LibCST finds one, the pre-check says yes.

The check spares most files the LibCST parse, so it must agree with ``analyze.builds_a_client`` on
every file that builds a client, and should agree on the others (it may only err towards yes). The
inputs: hand-written edge cases, every snapshot input of every codemod, the e2e applications and a
generated web-app corpus.
"""

from __future__ import annotations

import ast
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.lazy_clients.analyze import builds_a_client
from backfix.builtin_codemods.lazy_clients.quick import may_build_a_client
from testkit import repository_sources, write_webapp_corpus

EDGES = {
    "known": "import redis\nr = redis.Redis()\n",
    "aliased": "from redis import Redis as R\nr = R.from_url(u)\n",
    "settings": "import foo\nc = foo.Client(settings.URL)\n",
    "getter": "c = Thing(get_settings().url)\n",
    "environ": "import os\nc = Thing(os.environ['X'])\n",
    "getenv in f-string": "import os\nc = Thing(f\"{os.getenv('X')}\")\n",
    "stdlib": "import logging\nlog = logging.Logger(settings.NAME)\n",
    "not a client": "from flask import Blueprint\nbp = Blueprint('x', __name__)\n",
    "settings class": "s = AppSettings(config.X)\n",
    "conditional": "import httpx\nc = httpx.Client() if on else None\n",
    "chained": "import boto3\nb = boto3.resource('s3').Bucket(os.environ['B'])\n",
    "chained settings": "b = make().Bucket(settings.B)\n",
    "two on a line": "import redis\na = 1; r = redis.Redis()\n",
    "annotated": "import redis\nr: redis.Redis = redis.Redis()\n",
    "annotated bare": "import redis\nr: redis.Redis\n",
    "if block": "import redis\nif on:\n    r = redis.Redis()\nelse:\n    r = None\n",
    "try block": "import redis\ntry:\n    r = redis.Redis()\nexcept E:\n    r = None\n",
    "elif": "import redis\nif a:\n    pass\nelif b:\n    r = redis.Redis()\n",
    "main guard": "import redis\nif __name__ == '__main__':\n    r = redis.Redis()\n",
    "split main guard": "import redis\nif __name__ == '__ma' 'in__':\n    r = redis.Redis()\n",
    "in a function": "import redis\ndef f():\n    r = redis.Redis()\n",
    "function in a block": "import redis\nif on:\n    def f():\n        r = redis.Redis()\n",
    "relative import": "from . import redis\nr = redis.Redis()\n",
    "star": "from redis import *\nr = Redis()\n",
    "tuple target": "import redis\na, b = redis.Redis(), 1\n",
    "chain assign": "import redis\na = b = redis.Redis()\n",
    "factory": "c = psycopg.connect(config['dsn'])\n",
    "suffix": "c = make_client(cfg.url)\n",
    "subscript getter": "c = Thing(get_config()['x'].y)\n",
    "settings method": "c = Search(url=settings.get('URL'))\n",
    "option declaration": "from oslo_config import cfg\nd = cfg.StrOpt('d', default='sql')\n",
    "option of built types": "o = cfg.ListOpt('x', item_type=cfg.types.String())\n",
}


def _sources() -> dict[str, str]:
    return {**{f"edge: {name}": code for name, code in EDGES.items()}, **repository_sources()}


def _corpus(tmp_path: Path) -> dict[str, str]:
    write_webapp_corpus(tmp_path, seed=3, resources=4)
    return {str(p): p.read_text(encoding="utf-8") for p in sorted(tmp_path.rglob("*.py"))}


def _disagreements(sources: dict[str, str]) -> tuple[list[str], list[str]]:
    """(names where the pre-check hides a client, names where it errs towards yes)."""
    hidden, extra = [], []
    for name, code in sources.items():
        try:
            tree = ast.parse(code)
            module = cst.parse_module(code)
        except (SyntaxError, cst.ParserSyntaxError):
            continue
        libcst_says = builds_a_client(module)
        quick_says = may_build_a_client(tree)
        if libcst_says and not quick_says:
            hidden.append(name)
        elif quick_says and not libcst_says:
            extra.append(name)
    return hidden, extra


def test_the_pre_check_never_hides_a_client(tmp_path: Path) -> None:
    hidden, _ = _disagreements({**_sources(), **_corpus(tmp_path)})
    assert hidden == []


def test_the_pre_check_errs_only_where_the_trees_differ() -> None:
    _, extra = _disagreements({f"edge: {n}": c for n, c in EDGES.items()})
    assert extra == ["edge: two on a line", "edge: main guard", "edge: function in a block"]


@pytest.mark.parametrize("name", ["edge: known", "edge: settings", "edge: if block"])
def test_edges_with_a_client_are_found(name: str) -> None:
    assert may_build_a_client(ast.parse(EDGES[name.removeprefix("edge: ")]))
