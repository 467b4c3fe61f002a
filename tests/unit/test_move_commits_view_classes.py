"""move-commits counts the commits of views whose framework base class the project's own base
classes hide from the one-file analysis (pgAdmin's ``ServerNode(PGChildNodeView)``)."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from backfix.builtin_codemods.move_commits import MoveCommits

from backfix.runner import RunOptions, RunResult, Workspace, run
from backfix.runs import CodemodSpec

BASES = """\
from flask.views import View


class NodeView(View):
    def dispatch_request(self, **kwargs):
        return getattr(self, kwargs.pop("op"))(**kwargs)
"""

CHILD = """\
from app.browser.utils import NodeView as BaseNodeView


class ChildNodeView(BaseNodeView):
    parent_ids = ()
"""

NODE = """\
from app.browser.child import ChildNodeView
from app.models import Server, db


class ServerNode(ChildNodeView):
    def update(self, sid):
        server = db.session.get(Server, sid)
        server.name = "renamed"
        db.session.commit()
        return "ok"


class Cleaner(Helper):
    def run(self):
        db.session.commit()
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    every = {
        "app/__init__.py": "",
        "app/models.py": "db = None\nServer = None\n",
        "app/browser/__init__.py": "",
        "app/browser/utils.py": BASES,
        "app/browser/child.py": CHILD,
        **files,
    }
    for rel, text in every.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return tmp_path


def _run(root: Path, **options: Any) -> RunResult:
    spec = CodemodSpec(MoveCommits, "move-commits", tuple(sorted(options.items())))
    return run(Workspace(root=root), RunOptions(specs=[spec], paths=[root], jobs=1))


def test_a_view_through_the_projects_base_classes_is_reported(tmp_path: Path) -> None:
    """``ServerNode`` derives from Flask's ``View`` through two project classes in two other
    modules (one imported under another name): its commit is counted, for manual review, with
    the ``route_paths`` entry that has it analysed. ``Cleaner``'s base is no view."""
    root = _project(tmp_path, {"app/browser/servers.py": NODE})
    (violation,) = _run(root).violations
    assert (violation.path, violation.line, violation.col) == ("app/browser/servers.py", 9, 9)
    assert violation.scope == "ServerNode.update"
    assert violation.message == "`db.session.commit()` in the route layer (ServerNode.update)"
    assert not violation.fixable
    assert violation.reason_id == "view-through-project-base"
    assert "list `app/browser/servers.py` in `route_paths`" in violation.reason


def test_the_module_in_route_paths_moves_the_commit_under_the_same_fingerprint(
    tmp_path: Path,
) -> None:
    """Following the reason: the module listed in ``route_paths`` is analysed as route layer,
    and the commit it reported is the one that now moves (the same fingerprint, so a ledger
    counts it once)."""
    root = _project(tmp_path, {"app/browser/servers.py": NODE})
    (reported,) = _run(root).violations
    listed = _run(root, route_paths=("routes", "app/browser/servers.py"))
    moved = [v for v in listed.violations if v.scope == "ServerNode.update"]
    assert [v.fixable for v in moved] == [True], moved
    assert moved[0].fingerprint == reported.fingerprint


def test_classes_of_other_bases_and_unknown_receivers_are_not_counted(tmp_path: Path) -> None:
    """A class whose bases lead to no view (a base outside the project that is no view, a
    class of the same module, one the project does not define) and a commit on a receiver not
    named as a session are left alone."""
    node = """\
    from app.browser.utils import NodeView
    from app.models import db
    from sqlalchemy.orm import DeclarativeBase


    class Base(DeclarativeBase):
        def save(self):
            db.session.commit()


    class Job(Base):
        def close(self):
            db.session.commit()


    class Release(NodeView):
        def tag(self, repo):
            repo.commit()
    """
    root = _project(tmp_path, {"app/browser/jobs.py": node})
    assert _run(root).violations == []


def test_a_commit_of_a_function_a_view_method_defines_is_not_the_methods(tmp_path: Path) -> None:
    """A function defined in the method (``def later(): db.session.commit()``) commits in a
    scope of its own, which the analysis of route modules reports apart: it is not counted as
    the view method's commit; the method's own still is."""
    node = NODE.replace(
        '        server.name = "renamed"\n',
        '        server.name = "renamed"\n\n        def later():\n'
        "            db.session.commit()\n\n",
    )
    root = _project(tmp_path, {"app/browser/servers.py": node})
    assert [(v.line, v.scope) for v in _run(root).violations] == [(13, "ServerNode.update")]


CLASSFUL_BASE = """\
from flask_classful import FlaskView


class GenericView(FlaskView):
    model_class = None
"""

CLASSFUL_VIEWS = """\
from app.api.base import GenericView
from app.models import Server, db


class ServerView(GenericView):
    def _perform_rename(self, sid, name):
        server = db.session.get(Server, sid)
        server.name = name
        db.session.commit()
"""


def test_a_flask_classful_view_through_the_projects_base_is_reported(tmp_path: Path) -> None:
    """Flask-Classful's ``FlaskView`` is a view class: a view deriving from it through the
    project's own base is reported as one (not as a helper module in a route folder), and with
    the module in ``route_paths`` its commit moves."""
    files = {
        "app/api/__init__.py": "",
        "app/api/base.py": CLASSFUL_BASE,
        "app/api/modules/__init__.py": "",
        "app/api/modules/servers.py": CLASSFUL_VIEWS,
    }
    root = _project(tmp_path, files)
    (violation,) = _run(root).violations
    assert violation.reason_id == "view-through-project-base", violation.reason
    listed = _run(root, route_paths=("routes", "app/api/modules/servers.py"))
    assert [(v.scope, v.fixable) for v in listed.violations] == [
        ("ServerView._perform_rename", True)
    ]


def test_a_flask_classful_view_of_the_module_is_route_layer(tmp_path: Path) -> None:
    """A class deriving from ``FlaskView`` in the module itself serves requests: its commit is
    analysed as route layer, and moves."""
    views = CLASSFUL_VIEWS.replace(
        "from app.api.base import GenericView", "from flask_classful import FlaskView"
    )
    root = _project(tmp_path, {"app/servers.py": views.replace("(GenericView)", "(FlaskView)")})
    found = [(v.scope, v.fixable) for v in _run(root).violations]
    assert found == [("ServerView._perform_rename", True)]
