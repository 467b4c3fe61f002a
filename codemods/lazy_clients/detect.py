"""What counts as a client built at import time: known client constructors, or settings read.

A module-level ``name = <call>`` is a client when the call is a known client constructor (resolved
through the module's imports: ``from redis import Redis as R``; ``R.from_url(...)`` is
``redis.Redis.from_url``), or when it constructs something (a class-like or factory callee, not a
framework object, not the standard library) from arguments that read configuration: ``settings.X``,
``get_settings().X``, ``config[...]``, ``app.config[...]``, ``os.environ[...]``, ``os.getenv(...)``.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass

import libcst as cst

from backfix.cst_utils import dotted, last_name

#: known client constructors (qualified) → the class they return, as a qualified name ("" unknown).
KNOWN: Mapping[str, str] = {
    "redis.Redis": "redis.Redis",
    "redis.StrictRedis": "redis.StrictRedis",
    "redis.Redis.from_url": "redis.Redis",
    "redis.StrictRedis.from_url": "redis.StrictRedis",
    "redis.from_url": "redis.Redis",
    "redis.client.Redis": "redis.client.Redis",
    "redis.client.Redis.from_url": "redis.client.Redis",
    "redis.asyncio.Redis": "redis.asyncio.Redis",
    "redis.asyncio.Redis.from_url": "redis.asyncio.Redis",
    "redis.asyncio.from_url": "redis.asyncio.Redis",
    "redis.ConnectionPool": "redis.ConnectionPool",
    "redis.ConnectionPool.from_url": "redis.ConnectionPool",
    "redis.cluster.RedisCluster": "redis.cluster.RedisCluster",
    "aioredis.from_url": "",
    "aioredis.Redis": "",
    "boto3.client": "",
    "boto3.resource": "",
    "boto3.Session": "boto3.Session",
    "boto3.session.Session": "boto3.session.Session",
    "httpx.Client": "httpx.Client",
    "httpx.AsyncClient": "httpx.AsyncClient",
    "requests.Session": "requests.Session",
    "aiohttp.ClientSession": "aiohttp.ClientSession",
    "elasticsearch.Elasticsearch": "elasticsearch.Elasticsearch",
    "elasticsearch.AsyncElasticsearch": "elasticsearch.AsyncElasticsearch",
    "pymongo.MongoClient": "",
    "motor.motor_asyncio.AsyncIOMotorClient": "",
    "openai.OpenAI": "openai.OpenAI",
    "openai.AsyncOpenAI": "openai.AsyncOpenAI",
    "anthropic.Anthropic": "anthropic.Anthropic",
    "anthropic.AsyncAnthropic": "anthropic.AsyncAnthropic",
    "stripe.StripeClient": "stripe.StripeClient",
    "google.cloud.storage.Client": "google.cloud.storage.Client",
    "minio.Minio": "minio.Minio",
    "supabase.create_client": "",
}

#: objects an application builds from its settings on purpose at import time: not clients.
NOT_CLIENTS = frozenset(
    {
        "FastAPI",
        "APIRouter",
        "Flask",
        "Blueprint",
        "Quart",
        "Starlette",
        "Celery",
        "SQLAlchemy",
        "Migrate",
        "Limiter",
        "Jinja2Templates",
        "StaticFiles",
        "CORSMiddleware",
        "OAuth2PasswordBearer",
        "HTTPBearer",
        "CryptContext",
        # itsdangerous's signers and serializers: computation over a key, no connection
        "Signer",
        "TimestampSigner",
        "Serializer",
        "TimedSerializer",
        "URLSafeSerializer",
        "URLSafeTimedSerializer",
        "SecretStr",
        "HttpUrl",
        "AnyUrl",
        "APIKeyHeader",
        "Environment",
        "FileSystemLoader",
        "Path",
        "PurePath",
    }
)
#: lower-case callees that build a client (``supabase.create_client``, ``psycopg.connect``).
FACTORIES = frozenset({"from_url", "create_client", "connect", "client", "resource"})
SETTINGS_NAMES = frozenset(
    {"settings", "config", "conf", "cfg", "app_settings", "CONFIG", "SETTINGS"}
)
SETTINGS_GETTERS = frozenset({"get_settings", "get_config", "load_settings", "load_config"})


@dataclass(frozen=True)
class Verdict:
    """Why a call builds a client, and the type it returns (qualified, ``""`` unknown)."""

    constructor: str
    why: str
    returns: str


def import_table(module: cst.Module) -> dict[str, str]:
    """Local name → qualified name, for the module's top-level imports."""
    table: dict[str, str] = {}
    for stmt in module.body:
        if not isinstance(stmt, cst.SimpleStatementLine):
            continue
        for small in stmt.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    full = dotted(alias.name)
                    local = _asname(alias) or full.split(".")[0]
                    table[local] = full if _asname(alias) else local
            elif isinstance(small, cst.ImportFrom) and not small.relative and small.module:
                base = dotted(small.module)
                if isinstance(small.names, cst.ImportStar):
                    continue
                for alias in small.names:
                    name = dotted(alias.name)
                    table[_asname(alias) or name] = f"{base}.{name}"
    return table


def _asname(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return ""


def qualify(spelled: str, imports: Mapping[str, str]) -> str:
    """``R.from_url`` → ``redis.Redis.from_url`` through the import table; unchanged otherwise."""
    head, _, rest = spelled.partition(".")
    if head in imports:
        return f"{imports[head]}.{rest}" if rest else imports[head]
    return spelled


def classify(call: cst.Call, imports: Mapping[str, str]) -> Verdict | None:
    """The verdict on a module-level call, or None when it is not a client built at import."""
    spelled = dotted(call.func)
    if not spelled:
        return _chained(call, imports)
    qualified = qualify(spelled, imports)
    if qualified in KNOWN:
        return Verdict(spelled, "a known client constructor", KNOWN[qualified])
    if not constructs(spelled, qualified, imports):
        return None
    reads = _config_read(call)
    if reads:
        return Verdict(spelled, f"its arguments read {reads}", "")
    return None


def _chained(call: cst.Call, imports: Mapping[str, str]) -> Verdict | None:
    """``boto3.resource("s3").Bucket(os.environ["BUCKET"])``: built on a client, or from settings."""
    func = call.func
    if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Call):
        return None
    spelled = cst.Module(body=[]).code_for_node(func)
    inner = classify(func.value, imports)
    if inner is not None:
        return Verdict(spelled, f"built on {inner.why}", "")
    name = func.attr.value
    reads = _config_read(call)
    if reads and (name[:1].isupper() or name in FACTORIES) and name not in NOT_CLIENTS:
        return Verdict(spelled, f"its arguments read {reads}", "")
    return None


def constructs(spelled: str, qualified: str, imports: Mapping[str, str]) -> bool:
    """Whether a callee spelled ``spelled`` (``qualified`` through the imports) builds something
    that may be a client: class-like or a factory, not a framework object or the standard library."""
    last = spelled.rsplit(".", 1)[-1]
    top = qualified.split(".")[0]
    if last in NOT_CLIENTS or last.endswith(("Settings", "Config")):
        return False
    if spelled.split(".")[0] in imports and top in sys.stdlib_module_names:
        return False
    return last[:1].isupper() or last in FACTORIES or last.endswith("_client")


def _config_read(call: cst.Call) -> str:
    """What configuration the call's arguments read (``settings.REDIS_URL``), ``""`` for none.
    The callee is not read: oslo.config's ``cfg.StrOpt(...)`` declares an option, and reads
    nothing off a settings object."""
    finder = _ConfigReads()
    for argument in call.args:
        argument.visit(finder)
    return finder.found


class _ConfigReads(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = ""

    def _take(self, node: cst.CSTNode) -> None:
        if not self.found:
            self.found = "`" + cst.Module(body=[]).code_for_node(node) + "`"

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        base = node.value
        settings = isinstance(base, cst.Name) and base.value in SETTINGS_NAMES
        getter = isinstance(base, cst.Call) and last_name(base.func) in SETTINGS_GETTERS
        if settings or getter:
            self._take(node)
        return True

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        # A lambda's body runs when it is called, not at import: `LocalProxy(lambda:
        # Serializer(current_app.config["SECRET_KEY"]))` is already built on first use.
        return False

    def visit_Subscript(self, node: cst.Subscript) -> bool:
        base = dotted(node.value)
        if base == "os.environ" or base.rsplit(".", 1)[-1] in SETTINGS_NAMES:
            self._take(node)
        return True

    def visit_Call(self, node: cst.Call) -> bool:
        callee = dotted(node.func)
        if callee in ("os.getenv", "os.environ.get", "getenv", "environ.get"):
            self._take(node)
        if not last_name(node.func)[:1].isupper():
            return True
        # A class it builds is no setting: `cfg.DeprecatedOpt(...)`, `cfg.types.String()`.
        for argument in node.args:
            argument.visit(self)
        return False
