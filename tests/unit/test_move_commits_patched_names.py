"""The test patches move-commits reads: a unit that calls a name a test replaces in the route module
is reported, since the service would read its own import of it."""

from __future__ import annotations

from pathlib import Path

from backfix.builtin_codemods.move_commits.patched_names import patch_of, patched_targets
from testkit import apply_in_process

TEST = b"""\
from unittest import mock
from app.routes import members


def test_one(mocker, monkeypatch):
    mocker.patch("app.routes.members.send_welcome")
    monkeypatch.setattr("app.routes.members.audit", lambda *a: None)
    with mock.patch(target="app.routes.members.notify"):
        pass
    with mock.patch.object(members, "charge"):
        pass
"""


def _targets(files: dict[str, bytes]) -> dict[str, str]:
    return patched_targets(files, files.get)


def test_dotted_paths_and_patch_object_are_read_from_test_files() -> None:
    targets = _targets({"tests/test_members.py": TEST})
    module = "app.routes.members"
    assert patch_of(targets, module, "send_welcome") == "tests/test_members.py:6"
    assert patch_of(targets, module, "audit") == "tests/test_members.py:7"
    assert patch_of(targets, module, "notify") == "tests/test_members.py:8"
    assert patch_of(targets, module, "charge") == "tests/test_members.py:10"
    assert patch_of(targets, module, "db") == ""
    assert patch_of(targets, "app.routes.other", "send_welcome") == ""


def test_a_module_object_set_with_monkeypatch_and_a_formatted_path_count() -> None:
    """``monkeypatch.setattr(members, "charge", ...)`` on the imported route module, and
    ``patch(f"{MODULE}.audit")`` of a module-level ``MODULE`` (onyx's tests do both)."""
    test = b"""\
from unittest.mock import patch

from app.routes import members

MODULE = "app.routes.members"


def test_one(monkeypatch):
    monkeypatch.setattr(members, "charge", lambda *a: None)
    with patch(f"{MODULE}.audit"):
        pass
    with patch(f"{OTHER}.notify"):
        pass
"""
    targets = _targets({"tests/test_members.py": test})
    module = "app.routes.members"
    assert patch_of(targets, module, "charge") == "tests/test_members.py:9"
    assert patch_of(targets, module, "audit") == "tests/test_members.py:10"
    assert patch_of(targets, module, "notify") == ""


def test_patches_outside_test_files_do_not_count() -> None:
    assert _targets({"app/tools/mocking.py": TEST}) == {}


def test_a_name_a_test_assigns_on_the_route_module_counts_as_patched() -> None:
    """``app.routes.members.SESSION = self.session`` in a test's setup swaps the session the
    route module reads; a service importing ``SESSION`` itself would write through the real one."""
    test = b"""\
import app.routes.members
from app.routes import members


class MembersTest:
    def setUp(self):
        self.session = make_session()
        app.routes.members.SESSION = self.session
        members.mailer = FakeMailer()
        self.members = members
        if members.limit == 2:
            pass
"""
    targets = _targets({"tests/test_members.py": test})
    module = "app.routes.members"
    assert patch_of(targets, module, "SESSION") == "tests/test_members.py:8"
    assert patch_of(targets, module, "mailer") == "tests/test_members.py:9"
    assert patch_of(targets, module, "limit") == ""
    assert patch_of(targets, module, "session") == ""


def test_commits_on_a_receiver_that_is_no_known_session_are_named_in_a_note(
    tmp_path: Path,
) -> None:
    """``SESSION`` imported from the app package is no session move-commits knows: the run
    counted nothing and said nothing (fedora elections: 0 of 7 commits). Its note names the
    receiver and the option that makes it one; ``conn.commit(message)`` (with arguments) and a
    commit in a helper that is no route are not counted."""
    files = {
        "shop/__init__.py": "SESSION = make_session()\n",
        "shop/views.py": (
            "import flask\n\nfrom shop import SESSION, conn\n\nAPP = flask.Flask(__name__)\n\n\n"
            '@APP.route("/items", methods=["POST"])\n'
            "def add_item():\n    SESSION.add(object())\n    SESSION.commit()\n"
            '    conn.commit("saved")\n    return "ok"\n\n\n'
            "def helper():\n    SESSION.commit()\n"
        ),
    }
    result = apply_in_process(tmp_path, "move-commits", files)
    assert result.violations == []
    assert [n for n in result.notes if "not known as database sessions" in n] == [
        "1 `.commit()` call(s) in routes are on receivers not known as database sessions, and "
        "were left alone: `SESSION` (1); if one is a SQLAlchemy session, name it with "
        "`-o session_names=SESSION` (or `session_names` in [tool.backfix.move-commits])"
    ]


def test_a_module_object_counts_for_the_module_the_test_imported() -> None:
    """``import app.build.api as api`` then ``monkeypatch.setattr(api, "push", ...)`` patches
    ``app.build.api``, not every module named ``api`` (onyx has a dozen)."""
    test = b"""\
import app.build.api as api


def test_one(monkeypatch):
    monkeypatch.setattr(api, "push", lambda *a: None)
"""
    targets = _targets({"tests/test_build.py": test})
    assert patch_of(targets, "app.build.api", "push") == "tests/test_build.py:5"
    assert patch_of(targets, "app.skills.api", "push") == ""
