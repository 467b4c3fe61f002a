"""Discovery takes every file under its real path: a link is analysed as the file it leads to, once,
and a link out of the project is skipped with a note, whether the link is the file or a folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from backfix.discovery import Workspace, discover


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "app" / "routes").mkdir(parents=True)
    (root / "lib").mkdir()
    (root / "app" / "routes" / "jobs.py").write_text("x = 1\n")
    (root / "lib" / "util.py").write_text("y = 2\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.py").write_text("z = 3\n")
    return root


def test_a_file_link_is_its_target_once(project: Path) -> None:
    (project / "app" / "util_link.py").symlink_to(project / "lib" / "util.py")
    found = discover(Workspace(root=project), [project], [])
    assert found.files == ["app/routes/jobs.py", "lib/util.py"]
    assert found.notes == []


def test_a_link_out_of_the_project_is_skipped_with_a_note(project: Path) -> None:
    (project / "app" / "secret.py").symlink_to(project.parent / "elsewhere" / "secret.py")
    found = discover(Workspace(root=project), [project], [])
    assert found.files == ["app/routes/jobs.py", "lib/util.py"]
    assert len(found.notes) == 1 and found.notes[0].startswith("app/secret.py: skipped")


def test_files_named_through_a_linked_folder_are_taken_under_the_real_one(project: Path) -> None:
    (project / "views").symlink_to(project / "app" / "routes", target_is_directory=True)
    found = discover(Workspace(root=project), [project / "views" / "jobs.py"], [])
    assert found.files == ["app/routes/jobs.py"]


def test_a_file_in_a_folder_named_versions_outside_alembic_is_kept(project: Path) -> None:
    (project / "app" / "versions").mkdir()
    (project / "app" / "versions" / "v2.py").write_text("v = 2\n")
    found = discover(Workspace(root=project), [project], [])
    assert "app/versions/v2.py" in found.files


def test_alembic_scripts_are_skipped_with_a_note(project: Path) -> None:
    migrations = project / "migrations"
    (migrations / "versions").mkdir(parents=True)
    (migrations / "env.py").write_text("")
    (migrations / "script.py.mako").write_text("")
    (migrations / "versions" / "0001_init.py").write_text("revision = '1'\n")
    found = discover(Workspace(root=project), [project], [])
    assert "migrations/versions/0001_init.py" not in found.files
    assert "migrations/env.py" in found.files
    assert any(note.startswith("migrations/versions: 1 Alembic") for note in found.notes)
