"""lazy-clients: what counts as a client, the getter's name and decorator, and whole-project runs.

The project runs are checked independently of the codemod with `ast`: after ``apply``, a client
reported fixed is no module variable any more, its getter exists, and no module of the project
still imports or reads the old name; a client reported for manual review is still there, untouched.
"""

from __future__ import annotations

import ast
import json
import shutil
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.lazy_clients.blocks import block_candidates
from backfix.builtin_codemods.lazy_clients.detect import classify, import_table
from backfix.builtin_codemods.lazy_clients.naming import client_kind, getter_name
from backfix.builtin_codemods.lazy_clients.target import CACHE, LRU_CACHE, cache_decorator
from testkit import invoke_in

SNAPSHOTS = Path(__file__).resolve().parents[2] / "snapshots" / "lazy-clients"


def _verdict(code: str) -> tuple[str, str] | None:
    module = cst.parse_module(code)
    statement = module.body[-1]
    assert isinstance(statement, cst.SimpleStatementLine)
    assign = statement.body[0]
    assert isinstance(assign, cst.Assign) and isinstance(assign.value, cst.Call)
    verdict = classify(assign.value, import_table(module))
    return None if verdict is None else (verdict.constructor, verdict.returns)


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("import redis\nc = redis.Redis.from_url(u)\n", ("redis.Redis.from_url", "redis.Redis")),
        ("from redis import Redis as R\nc = R.from_url(u)\n", ("R.from_url", "redis.Redis")),
        ("import redis\nc = redis.from_url(u)\n", ("redis.from_url", "redis.Redis")),
        ("import boto3\nc = boto3.client('s3')\n", ("boto3.client", "")),
        ("import httpx\nc = httpx.AsyncClient()\n", ("httpx.AsyncClient", "httpx.AsyncClient")),
        ("from pymongo import MongoClient\nc = MongoClient(u)\n", ("MongoClient", "")),
        ("c = PaymentsClient(settings.PAYMENTS_KEY)\n", ("PaymentsClient", "")),
        ("import os\nc = Search(url=os.environ['SEARCH'])\n", ("Search", "")),
        ("c = Search(url=get_settings().search_url)\n", ("Search", "")),
        ("c = make_client(app.config['URL'])\n", ("make_client", "")),
        # a setting read through a settings object's method is a read
        ("c = Search(url=settings.get('SEARCH_URL'))\n", ("Search", "")),
    ],
)
def test_clients_are_recognised(code: str, expected: tuple[str, str]) -> None:
    assert _verdict(code) == expected


@pytest.mark.parametrize(
    "code",
    [
        "from fastapi import FastAPI\napp = FastAPI(title=settings.TITLE)\n",
        "import os\ntimeout = int(os.getenv('TIMEOUT', '5'))\n",
        "from pathlib import Path\ndata = Path(os.environ['DATA'])\n",
        "c = Search(url='http://localhost:9200')\n",
        "settings = AppSettings(_env_file=os.environ['ENV'])\n",
        # a lambda's body reads the settings when called, not at import: already built lazily
        "s = LocalProxy(lambda: Serializer(current_app.config['SECRET_KEY']))\n",
        "r = LocalProxy(functools.cache(lambda: make_limiter(config.RATE)))\n",
        # computation over a key: it connects to nothing
        "from itsdangerous import URLSafeTimedSerializer\n"
        "serializer = URLSafeTimedSerializer(settings.SECRET_KEY)\n",
        # oslo.config's option declarations (Keystone's `conf/` modules): the callee and the
        # classes its arguments build come from the `cfg` module, and no setting is read
        "from oslo_config import cfg\ndriver = cfg.StrOpt('driver', default='sql')\n",
        "from oslo_config import cfg\n"
        "opts = cfg.ListOpt('x', item_type=cfg.types.String(), "
        "deprecated_opts=[cfg.DeprecatedOpt('old', group='x')])\n",
        "from oslo_config import cfg\ncommand = cfg.SubCommandOpt('command', title='Commands')\n",
    ],
)
def test_other_calls_are_not_clients(code: str) -> None:
    assert _verdict(code) is None


@pytest.mark.parametrize(
    ("name", "getter"),
    [("redis_client", "get_redis_client"), ("_client", "_get_client"), ("REDIS", "get_redis")],
)
def test_getter_names(name: str, getter: str) -> None:
    assert getter_name(name) == getter
    assert getter_name(name, "redis_client") == getter  # long enough: the kind is not needed


@pytest.mark.parametrize(
    ("qualified", "kind"),
    [
        ("redis.Redis", "redis_client"),
        ("redis.Redis.from_url", "redis_client"),
        ("redis.asyncio.from_url", "redis_client"),
        ("redis.StrictRedis", "strict_redis_client"),
        ("redis.ConnectionPool", "connection_pool"),
        ("httpx.Client", "httpx_client"),
        ("httpx.AsyncClient", "httpx_async_client"),
        ("requests.Session", "requests_session"),
        ("boto3.client", "boto3_client"),
        ("openai.AsyncOpenAI", "async_openai_client"),
        ("pymongo.MongoClient", "mongo_client"),
        ("google.cloud.storage.Client", "storage_client"),
        ("PaymentsClient", "payments_client"),
        ('boto3.resource("s3").Bucket', "bucket_client"),
    ],
)
def test_client_kinds(qualified: str, kind: str) -> None:
    assert client_kind(qualified) == kind


@pytest.mark.parametrize(
    ("name", "getter"),
    [("r", "get_redis_client"), ("_r", "_get_redis_client"), ("rc", "get_redis_client")],
)
def test_a_name_too_short_to_read_is_named_after_the_client(name: str, getter: str) -> None:
    assert getter_name(name, "redis_client") == getter
    assert getter_name(name) == "_" * name.startswith("_") + f"get_{name.lstrip('_')}"


def test_a_short_name_with_a_digit_names_a_service() -> None:
    assert getter_name("s3", "boto3_client") == "get_s3"


def test_a_short_client_name_gives_a_readable_getter_everywhere(tmp_path: Path) -> None:
    """`r = redis.Redis(**cfg())` → `get_redis_client`, in its module and where it is imported."""
    files = {
        "app/__init__.py": "",
        "app/clients.py": (
            "import redis\n\n\ndef cfg():\n    return {}\n\n\nr = redis.Redis(**cfg())\n\n\n"
            "def cached(key):\n    return r.get(key)\n"
        ),
        "app/use.py": (
            "from app import clients\nfrom app.clients import r\nfrom app.clients import r as cache\n\n\n"
            "def f():\n    return r.get('a'), clients.r.get('b'), cache.get('c')\n"
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    _, out, _ = invoke_in(tmp_path, "scan", "--codemod", "lazy-clients", "--format", "json")
    (violation,) = json.loads(out)["violations"]
    assert "crashes" not in violation["message"]
    assert "a client that connects when built connects at import" in violation["message"]
    assert invoke_in(tmp_path, "apply", "lazy-clients", "--path", ".")[0] == 0
    clients = (tmp_path / "app/clients.py").read_text()
    assert "def get_redis_client() -> redis.Redis:" in clients
    assert "return get_redis_client().get(key)" in clients
    use = (tmp_path / "app/use.py").read_text()
    assert "from app.clients import get_redis_client\n" in use
    assert "from app.clients import get_redis_client as get_cache\n" in use
    calls = "get_redis_client().get('a'),clients.get_redis_client().get('b'),get_cache().get('c')"
    assert calls in "".join(use.split())


def test_a_project_subclass_of_a_framework_object_is_not_a_client(tmp_path: Path) -> None:
    """``HelpModule(...)`` reads settings at import, but derives (through the project's own
    ``AppModule``, imported absolutely and relatively) from Flask's ``Blueprint``: not a client.
    A project class that derives from nothing the framework builds still is one."""
    files = {
        "app/__init__.py": "",
        "app/config.py": "HELP_PATH = 'help'\nSMTP_HOST = 'localhost'\n",
        "app/base.py": (
            "from flask import Blueprint as FlaskBlueprint\n\n\n"
            "class AppModule(FlaskBlueprint):\n    pass\n"
        ),
        "app/help.py": (
            "from app import config\nfrom app.base import AppModule\n\n\n"
            "class HelpModule(AppModule):\n    pass\n\n\n"
            "blueprint = HelpModule('help', __name__, static_folder=config.HELP_PATH)\n"
        ),
        "app/docs.py": (
            "from . import config\nfrom .help import HelpModule as Module\n\n\n"
            "docs = Module('docs', __name__, static_folder=config.HELP_PATH)\n"
        ),
        "app/mail.py": (
            "from app import config\nfrom app.base import Missing\n\n\n"
            "class Mailer(Missing):\n    pass\n\n\n"
            "mailer = Mailer(config.SMTP_HOST)\n"
        ),
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    _, out, _ = invoke_in(tmp_path, "scan", "--codemod", "lazy-clients", "--format", "json")
    assert [v["path"] for v in json.loads(out)["violations"]] == ["app/mail.py"]


def test_a_renamed_import_keeps_a_sorted_import_sorted(tmp_path: Path) -> None:
    """``from app import cache, db, settings`` → ``get_cache`` goes where isort (ruff's I001)
    puts it; names that were not sorted, or that carry a comment, keep their places."""
    uses = {
        "sorted_use.py": "from app import cache, db, settings",
        "unsorted_use.py": "from app import settings, db, cache",
        "commented_use.py": "from app import (\n    cache,\n    db,  # the database\n    settings,\n)",
    }
    files = {
        "app/__init__.py": (
            "import redis\n\n\ndef cfg():\n    return {}\n\n\n"
            "cache = redis.Redis(**cfg())\ndb = None\nsettings = None\n"
        ),
        **{
            f"app/{name}": f"{line}\n\n\ndef f():\n    return db, settings, cache\n"
            for name, line in uses.items()
        },
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    assert invoke_in(tmp_path, "apply", "lazy-clients", "--path", ".")[0] == 0
    first_lines = {name: (tmp_path / "app" / name).read_text().split("\n\n\n")[0] for name in uses}
    assert first_lines == {
        "sorted_use.py": "from app import db, get_cache, settings",
        "unsorted_use.py": "from app import settings, db, get_cache",
        "commented_use.py": (
            "from app import (\n    get_cache,\n    db,  # the database\n    settings,\n)"
        ),
    }


@pytest.mark.parametrize(
    ("pyproject", "decorator", "assumed"),
    [
        ('[project]\nrequires-python = ">=3.8"\n', LRU_CACHE, False),
        ('[project]\nrequires-python = ">=3.10"\n', CACHE, False),
        ('[tool.ruff]\ntarget-version = "py37"\n', LRU_CACHE, False),
        ('[tool.poetry.dependencies]\npython = "^3.11"\n', CACHE, False),
        ("", CACHE, True),
    ],
)
def test_cache_decorator_follows_the_projects_python(
    tmp_path: Path, pyproject: str, decorator: str, assumed: bool
) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    chosen, assumption = cache_decorator(tmp_path)
    assert chosen == decorator
    assert bool(assumption) == assumed


@pytest.mark.parametrize(
    ("files", "decorator"),
    [
        ({"setup.py": 'setup(name="x", python_requires=">=3.7")\n'}, LRU_CACHE),
        ({"tox.ini": "[tox]\nenvlist = py36,py37,py38,lint\n"}, LRU_CACHE),
        ({"tox.ini": "[tox]\nenvlist = py3{8,9,10}-django{3,4}, docs\n"}, LRU_CACHE),
        ({"tox.ini": "[tox]\nenvlist =\n    py310\n    py311\n"}, CACHE),
        ({"setup.py": "setup()\n", "tox.ini": "[tox]\nenvlist = py38\n"}, LRU_CACHE),
    ],
)
def test_cache_decorator_reads_setup_py_and_the_tox_envlist(
    tmp_path: Path, files: dict[str, str], decorator: str
) -> None:
    """fedora elections states its Pythons only in tox.ini (py36-py38): ``functools.cache``
    broke its import there."""
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    chosen, assumption = cache_decorator(tmp_path)
    assert (chosen, assumption) == (decorator, "")


def _blocks(code: str) -> list[tuple[str, int, tuple[str, ...]]]:
    found = block_candidates(cst.parse_module(code))
    return [(c.name, len(c.assignments.calls), c.others) for c in found]


def test_clients_in_module_level_blocks_are_candidates_with_the_other_names_they_bind() -> None:
    code = (
        "try:\n    client = Redis.from_url(URL)\n    client.ping()\n"
        "except RedisError as exc:\n    log(exc)\n    client = None\n"
    )
    assert _blocks(code) == [("client", 1, ())]
    code = "if URL:\n    client = Client(URL)\n    ENABLED = True\nelse:\n    client = None\n"
    assert _blocks(code) == [("client", 1, ("ENABLED",))]
    code = "if URL:\n    import httpx\n\n    def f():\n        x = g()\n    c = httpx.Client()\n"
    assert _blocks(code) == [("c", 1, ("httpx", "f"))]


@pytest.mark.parametrize(
    "code",
    [
        "if __name__ == '__main__':\n    client = Redis.from_url(URL)\n",
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n",
        "def f():\n    if URL:\n        client = Redis.from_url(URL)\n",
    ],
)
def test_blocks_that_never_build_a_client_at_import_are_not_candidates(code: str) -> None:
    assert _blocks(code) == []


# --- whole-project runs, checked with ast -----------------------------------------------------------


def _module_variables(tree: ast.Module) -> set[str]:
    """Names assigned at module level, also inside top-level ``if``/``try`` blocks."""
    names = set()
    for top in tree.body:
        for stmt in ast.walk(top) if isinstance(top, (ast.If, ast.Try)) else [top]:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else []
            if isinstance(stmt, ast.AnnAssign):
                targets = [stmt.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def _cached_functions(tree: ast.Module) -> set[str]:
    return {
        stmt.name
        for stmt in tree.body
        if isinstance(stmt, ast.FunctionDef)
        and any("cache" in ast.unparse(d) for d in stmt.decorator_list)
    }


def _mentions(tree: ast.Module, module: str, name: str) -> list[str]:
    """Imports of ``name`` from ``module`` and reads of ``<module>.<name>`` left in a tree."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").endswith(module.split(".")[-1]):
            found += [f"import {a.name}" for a in node.names if a.name == name]
        owner = ast.unparse(node.value).split(".")[-1] if isinstance(node, ast.Attribute) else ""
        if isinstance(node, ast.Attribute) and node.attr == name and owner == module.split(".")[-1]:
            found.append(ast.unparse(node))
    return found


def _project_cases() -> list[Path]:
    return sorted(p for p in SNAPSHOTS.iterdir() if (p / "input").is_dir())


@pytest.mark.parametrize("case", _project_cases(), ids=lambda p: p.name)
def test_every_client_ends_fixed_everywhere_or_reported_untouched(
    case: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(case / "input", project)
    code, out, _ = invoke_in(project, "scan", "--codemod", "lazy-clients", "--format", "json")
    found = json.loads(out)["violations"]
    assert code == 1 and found
    assert invoke_in(project, "apply", "lazy-clients", "--path", ".")[0] in (0, 1)
    trees = {
        path.relative_to(project).as_posix(): ast.parse(path.read_text())
        for path in project.rglob("*.py")
    }
    for violation in found:
        tree = trees[violation["path"]]
        name = violation["message"].split("`")[1]
        module = violation["path"].removesuffix(".py").replace("/", ".")
        if violation["fixable"]:
            assert name not in _module_variables(tree)
            assert getter_name(name) in _cached_functions(tree)
            for path, other in trees.items():
                assert not _mentions(other, module, name), (path, _mentions(other, module, name))
        else:
            assert name in _module_variables(tree)
            assert violation["reason_id"]


def test_uses_of_imports_and_module_names_are_listed_in_the_order_of_the_module() -> None:
    """LibCST keeps a scope's assignments and their references in sets, whose order changes from
    run to run: the uses (and so the reasons a report lists) follow the module's lines instead."""
    from backfix.builtin_codemods.lazy_clients.references import module_index

    uses = "".join(f"value_{i} = client.get({i})\nsession.get({i})\n" for i in range(12))
    code = "from app.clients import client\nimport requests\n\nsession = requests.Session()\n"
    index = module_index(cst.parse_module(code + uses))
    lines = [ref.line for _, _, ref in index.import_refs()]
    assert lines == sorted(lines) and len(lines) == 13  # `client` 12 times, `requests` once
    module_lines = [ref.line for ref in index.global_refs("session")]
    assert module_lines == sorted(module_lines) and len(module_lines) == 12
