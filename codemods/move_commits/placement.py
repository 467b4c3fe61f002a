"""Where extracted units of work go: service module path, class and method names, import paths."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from backfix.project import module_name, resolve_import

from .model import Extraction, ImportNeed

GENERIC_STEMS = frozenset(
    {"main", "app", "__init__", "server", "urls", "resources", "wsgi", "asgi", "application"}
)
LAYER_SUFFIXES = ("route", "router", "view", "resource", "resources", "endpoint", "handler")
#: route module stems that name the layer, not what it serves, beside others or not
#: (``mod_auth/controllers.py``, the layout of Flask's "large applications" pattern; a FastAPI
#: feature package's ``integrations/router.py``). Not ``view``, ``route``, ``endpoint``: an app's
#: own nouns as often (timesketch's saved views, ``resources/view.py``)
LAYER_STEMS = frozenset({"controllers", "controller", "router"})
#: the prefix that pattern gives its blueprint packages (``mod_auth``): the rest names them
_MODULE_PREFIX = "mod_"
#: folders that hold the route layer by convention without being route paths (Flask-RESTful's
#: ``resources/``, Flask's ``blueprints/``: their modules are found as routes by their ``Resource``
#: classes and route decorators): services go beside them, not inside
PLACEMENT_LAYER_FOLDERS = ("resources", "blueprints", "apis")
#: a folder named for a version of an API (``v1``, ``v2_1``): it names no part of the app
VERSION_FOLDER = re.compile(r"v\d+(?:_\d+)*")
CLASS_SUFFIXES = ("View", "Resource", "API", "Api", "Endpoint", "Handler", "Controller")


@dataclass(frozen=True)
class ServiceLocation:
    """A service module (repository-relative path) and the class inside it."""

    path: str
    class_name: str
    #: what the route module's own name says it serves (``post`` for ``api/posts.py``); "" when
    #: the name is a generic one (``routes.py``, ``views.py``)
    subject: str = ""


#: plurals the rules below get wrong (``shelves`` is no ``shelve``), by their last word part
_IRREGULAR = {
    "shelves": "shelf",
    "leaves": "leaf",
    "halves": "half",
    "wolves": "wolf",
    "knives": "knife",
    "lives": "life",
    "wives": "wife",
    "thieves": "thief",
    "selves": "self",
    "people": "person",
    "children": "child",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "geese": "goose",
    "feet": "foot",
    "teeth": "tooth",
    "apis": "api",
}


def singular(word: str) -> str:
    """A naive English singular: ``jobs`` → ``job``, ``categories`` → ``category``,
    ``aliases`` → ``alias``, ``statuses`` → ``status``, ``book_shelves`` → ``book_shelf`` (a short
    table of irregular ones); a word already singular in ``ss``, ``us``, ``is`` or ``ias``
    (``alias``) stays as it is."""
    for plural, one in _IRREGULAR.items():
        if word.endswith(plural) and (word == plural or word[-len(plural) - 1] == "_"):
            return word[: -len(plural)] + one
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes", "iases", "tuses")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is", "ias")) and len(word) > 3:
        return word[:-1]
    return word


def camel(snake: str) -> str:
    """``job_service`` → ``JobService``."""
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def snake(name: str) -> str:
    """``JobListView`` → ``job_list_view``."""
    text = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name)
    text = re.sub(r"(?<=[A-Z])([A-Z][a-z])", r"_\1", text)
    return text.lower()


def identifier(text: str) -> str:
    """``text`` as an identifier: runs of other characters become ``_``, a leading digit gets
    ``m_`` (``app`` when nothing is left)."""
    clean = re.sub(r"\W+", "_", text).strip("_")
    if not clean:
        return "app"
    return clean if not clean[0].isdigit() else f"m_{clean}"


def service_location(
    route_path: str,
    layer_names: Collection[str],
    service_dir: str,
    module_pattern: str,
    service_folders: Callable[[], Collection[str]] = frozenset,
    holds_models: Callable[[str], bool] = lambda folder: False,
    siblings: Collection[str] = (),
    packages: Collection[str] = (),
) -> ServiceLocation:
    """``app/routes/jobs.py`` → ``app/services/job_service.py`` with class ``JobService``.

    The service folder is ``service_dir`` next to the innermost route-layer folder (``routes``,
    ``api``...), next to the package of a generic route module (``app/auth/routes.py`` →
    ``app/services/auth_service.py``; inside that package, ``app/auth/services/``, where the
    project keeps its services per package: see :func:`keeps_services_per_package`;
    ``service_folders`` gives the project's folders named ``service_dir``, asked for only then)
    or next to the route module itself; a top-level route-layer folder that ``holds_models`` is the
    application package itself (``api/`` with ``api/models.py``): its services go inside it. A
    ``service_dir`` containing ``/`` is taken from the repository root. The module stem comes from ``module_pattern`` (``{name}_service``) where
    ``name`` is the singular of the route module's stem without layer suffixes (``jobs_routes`` →
    ``job``).

    ``siblings`` are the stems of the other route modules of the run in the same folder: beside
    them, ``main.py`` is one blueprint among others (``blueprints/main.py`` beside
    ``blueprints/admin.py``) and names itself, and a module beside a generic one
    (``app/main/errors.py`` beside ``app/main/views.py``) goes where that one's service goes, so
    the route modules of one folder share one ``service_dir``.

    A layer folder inside a package named like a layer is one layer (``app/api/routes/`` →
    ``app/services/``), unless that package is one of ``packages``, blueprint packages named like
    a layer (:func:`blueprint_packages`: ``app/api`` with ``app/api/views/`` beside
    ``app/auth/views/``): its services go inside it as theirs do (``app/api/services/``).
    """
    pure = PurePosixPath(route_path)
    folders = list(pure.parts[:-1])
    layer_index = max(
        (
            i
            for i, part in enumerate(folders)
            if part in layer_names and "/".join(folders[: i + 1]) not in packages
        ),
        default=None,
    )
    if layer_index is not None:
        # `app/api/routes/` is one layer: go up the run of layer folders, but never out of the
        # top package (`api/routers/` keeps `api/` as the place for `services/`).
        while (
            layer_index > 1
            and folders[layer_index - 1] in layer_names
            and "/".join(folders[:layer_index]) not in packages
        ):
            layer_index -= 1
        if layer_index == 0 and (len(folders) > 1 or holds_models(folders[0])):
            layer_index = 1
    base = folders[:layer_index] if layer_index is not None else folders
    stem = pure.stem
    generic = _is_generic(stem, layer_names, siblings)
    beside_generic = layer_index is None and any(
        _is_generic(other, layer_names, (stem,)) for other in siblings
    )
    name = _without_layer_suffix(stem, layer_names)
    if generic:
        # `app/api/auth/routes.py`: the blueprint package below the layer folder names it.
        owner = folders if layer_index is None else folders[: layer_index + 2]
        name = owner[-1] if len(owner) > len(base) + 1 else (base[-1] if base else "app")
        if VERSION_FOLDER.fullmatch(name) and len(owner) > 1:
            # `apis/v1/resources.py`: the API, whatever its version (`api_service.py`).
            name = singular(owner[-2])
        if name.startswith(_MODULE_PREFIX) and len(name) > len(_MODULE_PREFIX):
            name = name[len(_MODULE_PREFIX) :]
    if (
        (generic or beside_generic)
        and len(base) >= 2
        and not keeps_services_per_package(base, service_dir, service_folders())
    ):
        # `app/auth/routes.py` (a blueprint package): `app/services/auth_service.py`.
        base = base[:-1]
    original = name
    brand = generic and _is_brand(original)
    # (a package named like `CTFd` is one word: `ctfd_service.py` and `CTFdService`, not `ct_fd`)
    name = original.lower() if brand else identifier(singular(snake(name)))
    folder = service_dir.strip("/") if "/" in service_dir else "/".join([*base, service_dir])
    module_stem = identifier(module_pattern.format(name=name))
    if _collected_as_tests(module_stem):
        # `mod_test/controllers.py`: `tests_service.py`, which pytest and nose2 do not collect
        module_stem = identifier(module_pattern.format(name=f"{name}s"))
    path = f"{folder}/{module_stem}.py" if folder else f"{module_stem}.py"
    class_name = _keep_acronyms(camel(module_stem), original)
    if brand:
        class_name = class_name.replace(camel(name), original[:1].upper() + original[1:], 1)
    return ServiceLocation(path, class_name, "" if generic else name)


def blueprint_packages(
    route_folders: Collection[str], layer_names: Collection[str]
) -> frozenset[str]:
    """The packages named like a layer (``app/api``) that keep their routes in a layer folder
    (``app/api/views``) as a package beside them does (``app/auth/views``, named like no
    layer): blueprint packages, not layers."""
    by_layer: dict[tuple[tuple[str, ...], str], set[str]] = {}
    for folder in route_folders:
        parts = PurePosixPath(folder).parts
        if len(parts) >= 2 and parts[-1] in layer_names:
            by_layer.setdefault((parts[:-2], parts[-1]), set()).add(parts[-2])
    found: set[str] = set()
    for (parent, _layer), names in by_layer.items():
        if any(name not in layer_names for name in names):
            found.update("/".join([*parent, name]) for name in names if name in layer_names)
    return frozenset(found)


def _collected_as_tests(module_stem: str) -> bool:
    """Whether test runners take a module of this name for a test module (pytest's and nose2's
    default patterns: ``test_*.py``, ``*_test.py``)."""
    return module_stem.startswith("test_") or module_stem.endswith("_test")


def _is_brand(name: str) -> bool:
    """Whether a package's name is one word that starts with capitals and ends in lower case
    (``CTFd``), or one lower-case letter before capitals (``eNMS``): a name, which snake case
    would cut (``ct_fd``, ``e_nms``, then singular ``e_nm``); ``ShopKit`` is two words."""
    return re.fullmatch(r"[A-Z]{2,}[a-z]+|[a-z][A-Z]{2,}", name) is not None


def _without_layer_suffix(stem: str, layer_names: Collection[str]) -> str:
    """``jobs_routes`` → ``jobs``."""
    for suffix in (*layer_names, *LAYER_SUFFIXES):
        if stem.endswith("_" + suffix) and len(stem) > len(suffix) + 1:
            return stem[: -len(suffix) - 1]
    return stem


def _is_generic(stem: str, layer_names: Collection[str], siblings: Collection[str]) -> bool:
    """Whether a route module's stem says nothing about what it serves (``routes``, ``views``,
    ``__init__``; ``main``, ``app``... unless other route modules sit beside it)."""
    if stem in layer_names or stem in LAYER_STEMS or stem == "__init__":
        return True
    return stem in GENERIC_STEMS and not siblings


def keeps_services_per_package(
    package: Sequence[str], service_dir: str, service_folders: Collection[str]
) -> bool:
    """Whether the project keeps a ``service_dir`` folder inside its blueprint packages rather than
    one beside them: ``package`` (``app/forum``) has one already, or another package beside it does
    (``app/user/services/``) while their parent has none (no ``app/services/``)."""
    if "/" in service_dir:
        return False
    if "/".join([*package, service_dir]) in service_folders:
        return True
    parent = tuple(package[:-1])
    if "/".join([*parent, service_dir]) in service_folders:
        return False
    return any(
        (parts := PurePosixPath(folder).parts)[:-2] == parent and len(parts) == len(parent) + 2
        for folder in service_folders
    )


def service_folders(files: Iterable[str], service_dir: str) -> frozenset[str]:
    """The folders named ``service_dir`` that hold one of ``files`` (root-relative paths)."""
    return frozenset(
        parent.as_posix()
        for path in files
        if (parent := PurePosixPath(path).parent).name == service_dir
    )


def _keep_acronyms(class_name: str, original: str) -> str:
    """``WebUiService`` → ``WebUIService`` when the route module or package was ``WebUI``; the
    acronyms of the web spelled as they are whatever the module's case (``oauth.py`` →
    ``OAuthService``, ``api.py`` → ``APIService``)."""
    for acronym in re.findall(r"[A-Z]{2,}(?![a-z])", original):
        class_name = re.sub(acronym.capitalize() + r"(?![a-z])", acronym, class_name)
    for word, spelled in _WEB_ACRONYMS.items():
        class_name = re.sub(rf"(?<![A-Za-z]){word}(?![a-z])", spelled, class_name)
    return class_name


#: acronyms a module name writes in lower case (``oauth.py``), as a class name spells them
_WEB_ACRONYMS = {"Oauth": "OAuth", "Api": "API", "Jwt": "JWT", "Sso": "SSO", "Http": "HTTP"}


#: first words of a called helper's name that make it a write (`crud.create_user(...)`).
WRITE_VERBS = frozenset(
    {
        "create",
        "add",
        "update",
        "delete",
        "remove",
        "register",
        "set",
        "save",
        "publish",
        "reset",
        "mark",
        "assign",
        "approve",
        "reject",
        "cancel",
        "close",
        "archive",
        "enable",
        "disable",
        "activate",
        "deactivate",
        "invite",
        "insert",
        "upsert",
        "record",
    }
)
#: first words of a view class's name that say what it does (``UninstallPlugin``, ``MarkRead``)
ACTION_VERBS = WRITE_VERBS | {
    "install",
    "uninstall",
    "ban",
    "unban",
    "lock",
    "unlock",
    "move",
    "hide",
    "unhide",
    "follow",
    "unfollow",
    "subscribe",
    "unsubscribe",
    "mute",
    "unmute",
    "confirm",
    "verify",
    "send",
    "fork",
    "grant",
    "revoke",
    "toggle",
    "restore",
}


#: route names that say only which kind of write a request makes (``put`` updates)
WRITE_KINDS = {
    "post": "create",
    "new": "create",
    "create": "create",
    "put": "update",
    "patch": "update",
    "edit": "update",
    "update": "update",
    "delete": "delete",
    "remove": "delete",
}


def method_base_name(extraction: Extraction, subject: str = "") -> str:
    """The route function's name; ``put`` in ``posts.py`` (``subject`` ``post``) →
    ``update_post``; for a view/resource method, the view's name when it says what it does
    (``UninstallPlugin`` → ``uninstall_plugin``), else ``post`` of ``JobList`` → ``create_job`` and
    ``get`` → ``get_job_list``."""
    name = extraction.func_name.lstrip("_") or "unit_of_work"
    if not extraction.class_name and subject and name in WRITE_KINDS:
        return f"{WRITE_KINDS[name]}_{subject}"
    if extraction.class_name:
        action = view_action(extraction.class_name)
        if action:
            return action
        if name in WRITE_KINDS and (served := view_subject(extraction.class_name)):
            return f"{WRITE_KINDS[name]}_{served}"
        name = f"{name}_{snake(_without_class_suffix(extraction.class_name))}"
    return name


def _without_class_suffix(class_name: str) -> str:
    """``UninstallPluginView`` → ``UninstallPlugin``."""
    for suffix in CLASS_SUFFIXES:
        if class_name.endswith(suffix) and len(class_name) > len(suffix):
            return class_name[: -len(suffix)]
    return class_name


def view_action(class_name: str | None) -> str:
    """``UninstallPlugin`` → ``uninstall_plugin``: what a view class whose name is an action
    does; "" for a view named after what it serves (``JobList``, ``UserResource``)."""
    if not class_name:
        return ""
    owner = _without_class_suffix(class_name)
    action = snake(owner)
    if action.split("_")[0] in ACTION_VERBS and not owner.endswith(_COLLECTION_SUFFIXES):
        return action
    return ""


#: ends of a view class's name that make it a noun (``UnlockList`` serves unlocks)
_COLLECTION_SUFFIXES = ("List", "Detail", "Collection", "Item")


#: HTTP methods a view class's name may list after what it serves (``ItemGetPutDelete``);
#: not ``Post``, which is as often a noun (``BlogPost``)
_METHOD_WORDS = ("Get", "Put", "Patch", "Delete", "Gets", "Puts")


def view_subject(class_name: str | None) -> str:
    """``JobList``/``JobListView``/``JobResource``/``JobGetPutDelete`` → ``job``: what a
    class-based view serves."""
    if not class_name:
        return ""
    name = class_name
    for suffix in (*CLASS_SUFFIXES, *_COLLECTION_SUFFIXES):
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    while (word := next((w for w in _METHOD_WORDS if name.endswith(w)), "")) and len(name) > len(
        word
    ):
        name = name[: -len(word)]
    return singular(snake(name))


def free_name(base: str, taken: Collection[str]) -> str:
    """``base``, or ``base_2``, ``base_3``... whichever is not taken."""
    candidate, counter = base, 2
    while candidate in taken:
        candidate = f"{base}_{counter}"
        counter += 1
    return candidate


def package_module_name(path: str, is_package: Callable[[str], bool]) -> str:
    """The name ``path`` is imported under from the top of its chain of regular packages.

    Unlike :func:`backfix.project.module_name`, a module whose folder is no package is named by its
    stem alone (``models`` for ``app/models.py`` without ``app/__init__.py``): the name it has when
    its own folder is on ``sys.path``, as these imports have always been written.
    """
    folder = str(PurePosixPath(path).parent)
    if folder != "." and not is_package(folder):
        stem = PurePosixPath(path).stem
        return "" if stem == "__init__" else stem
    return module_name(path, is_package)


def relative_import(from_path: str, to_module_path: str) -> tuple[int, str]:
    """``(level, module)`` for importing ``to_module_path`` relatively from ``from_path``."""
    source = list(PurePosixPath(from_path).parts[:-1])
    target = list(PurePosixPath(to_module_path).with_suffix("").parts)
    common = 0
    while common < min(len(source), len(target) - 1) and source[common] == target[common]:
        common += 1
    return len(source) - common + 1, ".".join(target[common:])


def resolve_relative(from_path: str, level: int, module: str) -> list[str]:
    """Folder parts of what ``from <dots>module import`` means inside ``from_path``."""
    target = resolve_import(from_path, level, module)
    if target is None:
        raise ValueError("relative import beyond the top folder")
    # The last candidate is `<stem>/__init__.py` (`__init__.py` at the project root).
    stem = target.candidates[-1].removesuffix("__init__.py").rstrip("/")
    return stem.split("/") if stem else []


def service_import(
    need: ImportNeed,
    route_path: str,
    service_path: str,
    is_package: Callable[[str], bool],
    reach: int = 1,
) -> str:
    """The import statement the service module needs for ``need``: a relative import re-rooted,
    relative where the route module's own relative imports reach as far up (``reach`` levels),
    else absolute (``from ..lists import db`` where the route writes only ``from . import db``:
    a project may ban imports from parent packages, as ruff's TID252 does)."""
    if need.level == 0:
        return need.code()
    target = resolve_relative(route_path, need.level, need.module)
    service_package = list(PurePosixPath(service_path).parts[:-1])
    common = 0
    while (
        common < min(len(service_package), len(target))
        and service_package[common] == target[common]
    ):
        common += 1
    root_top = _package_top(service_package, is_package)
    level = len(service_package) - common + 1
    if common >= root_top and (common > 0 or root_top == 0) and level <= max(reach, 1):
        return need.code(".".join(target[common:]), level)
    absolute = package_module_name("/".join(target) + ".py", is_package)
    return need.code(absolute, 0)


def _package_top(folders: Sequence[str], is_package: Callable[[str], bool]) -> int:
    top = len(folders)
    while top > 0 and is_package("/".join(folders[:top])):
        top -= 1
    if top == 0 and is_package(""):
        return 0  # the project root is a package itself: its modules reach each other relatively
    return top + 1 if top < len(folders) else len(folders) + 1


#: what a licence header says (``Licensed to the Apache Software Foundation``, ``Copyright (c)``,
#: ``SPDX-License-Identifier``)
_LICENCE = re.compile(r"licen[cs]e|copyright|spdx", re.IGNORECASE)


def licence_header(text: str) -> str:
    """The comment lines a module starts with (after a shebang or encoding line), when they hold a
    licence or copyright notice, ending with a line break; else "". A new module the codemod
    writes beside a project's modules starts with the same notice, as their own checks want."""
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and re.match(r"#!|#.*coding[:=]", lines[start]):
        start += 1
    end = start
    while end < len(lines) and lines[end].lstrip().startswith("#"):
        end += 1
    if not _LICENCE.search("".join(lines[start:end])):
        return ""
    if end < len(lines) and not lines[end].strip():
        end += 1  # the blank line that sets it apart, where the module has one
    return "".join(line.rstrip("\r\n") + "\n" for line in lines[start:end])
