"""Library versions a project runs on: sources in order, parsed with ``packaging``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from packaging.version import Version

from backfix.versions import VersionError, find_versions, folder_of_most, project_folder

NO_ENV: dict[str, str] = {}


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _fake_venv(root: Path, folder: str, dists: dict[str, str]) -> None:
    site = root / folder / "lib" / "python3.11" / "site-packages"
    for name, version in dists.items():
        info = site / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


def test_lock_file_wins_over_pins_venv_and_ranges(tmp_path: Path) -> None:
    """uv.lock is the most specific source; the others are only consulted when it is silent."""
    _write(
        tmp_path,
        {
            "uv.lock": '[[package]]\nname = "sqlalchemy"\nversion = "1.4.52"\n',
            "requirements.txt": "SQLAlchemy==2.0.1\nFlask-SQLAlchemy>=2.5,<3  # pinned below 3\n",
        },
    )
    _fake_venv(tmp_path, ".venv", {"SQLAlchemy": "2.0.30", "SQLModel": "0.0.8"})
    found = find_versions(tmp_path, environ=NO_ENV)
    assert found["sqlalchemy"].version == Version("1.4.52")
    assert found["sqlalchemy"].source == "uv.lock"
    assert found["sqlmodel"].version == Version("0.0.8")  # the project's virtualenv
    assert found["sqlmodel"].source == ".venv/"
    fsa = found["flask-sqlalchemy"]  # a range: its lowest version, said so
    assert fsa.version == Version("2.5") and "lowest allowed" in fsa.describe()


@pytest.mark.parametrize(
    ("files", "expected", "source"),
    [
        (
            {"poetry.lock": '[[package]]\nname = "SQLAlchemy"\nversion = "1.4.41"\n'},
            "1.4.41",
            "poetry.lock",
        ),
        (
            {"Pipfile.lock": json.dumps({"default": {"sqlalchemy": {"version": "==1.4.46"}}})},
            "1.4.46",
            "Pipfile.lock",
        ),
        ({"requirements/base.txt": "sqlalchemy==1.4.3\n"}, "1.4.3", "requirements/base.txt"),
        (
            {"pyproject.toml": '[project]\nname = "x"\ndependencies = ["SQLAlchemy==1.4.20"]\n'},
            "1.4.20",
            "pyproject.toml",
        ),
        (
            {
                "pyproject.toml": '[tool.poetry.dependencies]\npython = "^3.10"\nSQLAlchemy = "1.4.49"\n'
            },
            "1.4.49",
            "pyproject.toml",
        ),
        (
            {"pyproject.toml": '[tool.poetry.dependencies]\nSQLAlchemy = {version = "^1.4.2"}\n'},
            "1.4.2",
            "pyproject.toml",
        ),
        (
            {"setup.cfg": "[options]\ninstall_requires =\n    SQLAlchemy==1.4.10\n"},
            "1.4.10",
            "setup.cfg",
        ),
        (
            {
                "setup.py": "from setuptools import setup\nsetup(install_requires=['sqlalchemy==1.3.24'])\n"
            },
            "1.3.24",
            "setup.py",
        ),
        (
            {
                "setup.py": (
                    "from setuptools import setup\n"
                    "with open('version.txt') as f:\n    version = f.read()\n"
                    "requirements = ['Flask==1.1.2', 'SQLAlchemy==1.3.5']\n"
                    "setup(version=version, install_requires=requirements)\n"
                )
            },
            "1.3.5",
            "setup.py",
        ),
    ],
)
def test_each_source(tmp_path: Path, files: dict[str, str], expected: str, source: str) -> None:
    """Every lock and requirement format is read."""
    _write(tmp_path, files)
    found = find_versions(tmp_path, environ=NO_ENV)["sqlalchemy"]
    assert (found.version, found.source) == (Version(expected), source)


def test_a_requirement_list_that_setup_py_changes_is_not_read(tmp_path: Path) -> None:
    """``install_requires=requirements`` where the list grows (``+=``, ``append``) is not what
    the literal says: nothing is read from it."""
    for change in ("requirements += extra\n", "requirements.append('SQLAlchemy==2.0.1')\n"):
        setup = (
            "from setuptools import setup\nrequirements = ['SQLAlchemy==1.3.5']\n"
            f"{change}setup(install_requires=requirements)\n"
        )
        _write(tmp_path, {"setup.py": setup})
        found = find_versions(tmp_path, environ=NO_ENV, installed=False)["sqlalchemy"]
        assert found.version is None, change


def test_included_requirement_files_are_read(tmp_path: Path) -> None:
    """``-r app/requirements.txt`` and ``-c constraints.txt`` are read as pip reads them: relative
    to the including file, each file once (a cycle ends)."""
    _write(
        tmp_path,
        {
            "requirements.txt": "-r app/requirements.txt\n--constraint=constraints.txt\n",
            "app/requirements.txt": "flask\nSQLAlchemy>=1.3.0,<2\n-r ../requirements.txt\n",
            "constraints.txt": "flask-sqlalchemy==2.5.1\n",
        },
    )
    found = find_versions(tmp_path, environ=NO_ENV, installed=False)
    assert (found["sqlalchemy"].version, found["sqlalchemy"].source) == (
        Version("1.3.0"),
        "app/requirements.txt",
    )
    assert found["flask-sqlalchemy"].source == "constraints.txt"


def test_an_installed_version_above_the_declared_range_keeps_the_range(tmp_path: Path) -> None:
    """The virtualenv's 1.4 is what runs here, but the project declares it runs on 1.3 too: the
    range is kept with the version, for the codemods to say so."""
    _write(tmp_path, {"requirements.txt": "SQLAlchemy>=1.3.0,<2\n"})
    _fake_venv(tmp_path, ".venv", {"SQLAlchemy": "1.4.54"})
    found = find_versions(tmp_path, environ=NO_ENV)["sqlalchemy"]
    assert (found.version, found.source) == (Version("1.4.54"), ".venv/")
    assert found.declared is not None and found.declared.version == Version("1.3.0")
    _write(tmp_path, {"requirements.txt": "SQLAlchemy>=1.4.54,<2\n"})
    assert find_versions(tmp_path, environ=NO_ENV)["sqlalchemy"].declared is None


def test_virtual_env_variable_and_override(tmp_path: Path) -> None:
    """$VIRTUAL_ENV is the project's virtualenv; [tool.backfix.versions] beats everything."""
    _fake_venv(tmp_path, "elsewhere", {"Flask-SQLAlchemy": "2.5.1"})
    _write(tmp_path, {"requirements.txt": "flask-sqlalchemy\n"})
    env = {"VIRTUAL_ENV": str(tmp_path / "elsewhere")}
    found = find_versions(tmp_path, environ=env)["flask-sqlalchemy"]
    assert (found.version, found.source) == (Version("2.5.1"), "$VIRTUAL_ENV")
    overridden = find_versions(tmp_path, {"Flask_SQLAlchemy": "3.0.5"}, environ=env)
    assert overridden["flask-sqlalchemy"].version == Version("3.0.5")
    assert overridden["flask-sqlalchemy"].source == "[tool.backfix.versions]"


def test_bad_overrides_are_errors(tmp_path: Path) -> None:
    """An override that is no version, or names an unknown package, is a configuration error."""
    with pytest.raises(VersionError, match="not a version"):
        find_versions(tmp_path, {"sqlalchemy": "one point four"}, environ=NO_ENV)
    with pytest.raises(VersionError, match="unknown package"):
        find_versions(tmp_path, {"django": "4.2"}, environ=NO_ENV)


def test_nothing_known_falls_back_to_the_running_environment(tmp_path: Path) -> None:
    """Last resort: what backfix itself runs with; a package found nowhere says so."""
    found = find_versions(tmp_path, environ=NO_ENV, packages=["sqlalchemy", "no-such-package"])
    assert found["sqlalchemy"].source == "the environment backfix runs in"
    assert found["no-such-package"].version is None
    assert found["no-such-package"].describe() == "no-such-package not found"


MONOREPO = {
    "pyproject.toml": "[tool.ruff]\nline-length = 100\n",  # tooling only: declares nothing
    "svc/pyproject.toml": '[project]\nname = "svc"\ndependencies = ["sqlalchemy==1.4.22"]\n',
    "svc/app/crud.py": "",
    "jobs/requirements.txt": "flask-sqlalchemy\n",  # declared, not pinned: still a project
    "jobs/worker/run.py": "",
    "scripts/tool.py": "",
}


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        ("svc/app/crud.py", "svc"),  # a file: from its folder up
        ("svc/app", "svc"),
        ("svc", "svc"),
        ("jobs/worker", "jobs"),
        ("scripts", ""),  # no folder on the way declares anything: the root
        (".", ""),
    ],
)
def test_the_project_folder_is_the_nearest_that_declares_dependencies(
    tmp_path: Path, start: str, expected: str
) -> None:
    """A monorepo's service is read where it declares its dependencies, not at the root."""
    _write(tmp_path, MONOREPO)
    assert project_folder(tmp_path, tmp_path / start) == (tmp_path / expected).resolve()


def test_a_lock_file_makes_a_project_folder_and_a_path_outside_the_root_gets_the_root(
    tmp_path: Path,
) -> None:
    lock = '[[package]]\nname = "sqlalchemy"\nversion = "1.4.52"\n'
    _write(tmp_path, {"repo/svc/uv.lock": lock, "repo/svc/app/db.py": "", "other/x.py": ""})
    root = tmp_path / "repo"
    assert project_folder(root, root / "svc/app/db.py") == (root / "svc").resolve()
    assert project_folder(root, tmp_path / "other/x.py") == root.resolve()


def test_a_subproject_is_read_from_its_own_files_named_from_the_root(tmp_path: Path) -> None:
    """Its pins, its virtualenv; each source named relative to the repository's root."""
    _write(tmp_path, MONOREPO)
    _write(tmp_path, {"requirements.txt": "sqlalchemy==2.0.30\n"})  # another project's pins
    _fake_venv(tmp_path, "jobs/.venv", {"Flask-SQLAlchemy": "2.5.1"})
    svc = find_versions(tmp_path, environ=NO_ENV, folder=tmp_path / "svc")["sqlalchemy"]
    assert (svc.version, svc.source) == (Version("1.4.22"), "svc/pyproject.toml")
    jobs = find_versions(tmp_path, environ=NO_ENV, folder=tmp_path / "jobs")
    assert jobs["flask-sqlalchemy"].source == "jobs/.venv/"
    assert jobs["sqlalchemy"].source == "the environment backfix runs in"  # not the root's pins
    assert find_versions(tmp_path, environ=NO_ENV)["sqlalchemy"].source == "requirements.txt"


def test_a_workspace_member_takes_the_lock_file_and_virtualenv_above_it(tmp_path: Path) -> None:
    """uv and poetry lock, and install, a workspace's members at its root."""
    _write(
        tmp_path,
        {
            "uv.lock": '[[package]]\nname = "sqlalchemy"\nversion = "1.4.52"\n',
            "packages/api/pyproject.toml": (
                '[project]\nname = "api"\ndependencies = ["sqlalchemy>=1.3", "sqlmodel"]\n'
            ),
        },
    )
    _fake_venv(tmp_path, ".venv", {"SQLModel": "0.0.8"})
    found = find_versions(tmp_path, environ=NO_ENV, folder=tmp_path / "packages/api")
    assert (found["sqlalchemy"].version, found["sqlalchemy"].source) == (
        Version("1.4.52"),
        "uv.lock",
    )
    assert (found["sqlmodel"].version, found["sqlmodel"].source) == (Version("0.0.8"), ".venv/")


def test_pip_compile_hashes_and_a_folder_per_python_are_read(tmp_path: Path) -> None:
    """securedrop pins its app in ``securedrop/requirements/python3/requirements.txt``, written
    by pip-compile: each pin continues over lines with its hashes (``\\``)."""
    _write(
        tmp_path,
        {
            "app/requirements/python3/requirements.txt": (
                "flask-sqlalchemy==2.5.1 \\\n"
                "    --hash=sha256:2bda44b4 \\\n"
                "    --hash=sha256:f12c3d4c\n"
                "    # via -r requirements/python3/requirements.in\n"
                "sqlalchemy==1.3.3 --hash=sha256:0e2a2f4a\n"
            ),
        },
    )
    found = find_versions(tmp_path, environ=NO_ENV, folder=tmp_path / "app", installed=False)
    source = "app/requirements/python3/requirements.txt"
    assert (found["flask-sqlalchemy"].version, found["flask-sqlalchemy"].source) == (
        Version("2.5.1"),
        source,
    )
    assert (found["sqlalchemy"].version, found["sqlalchemy"].source) == (Version("1.3.3"), source)


def test_a_root_that_declares_nothing_takes_the_folder_most_files_are_in(tmp_path: Path) -> None:
    """A run over the whole repository, whose root declares nothing, reads the versions of the
    project most of its Python files belong to; the root on a tie."""
    _write(
        tmp_path,
        {
            "app/requirements.txt": "sqlalchemy==1.3.3\n",
            "app/models.py": "",
            "app/views/jobs.py": "",
            "admin/requirements.txt": "click==8.1\n",
            "admin/cli.py": "",
            "setup_tools.py": "",
        },
    )
    files = ["app/models.py", "app/views/jobs.py", "admin/cli.py", "setup_tools.py"]
    assert folder_of_most(tmp_path, files) == (tmp_path / "app").resolve()
    assert folder_of_most(tmp_path, files[1:]) == tmp_path.resolve()  # one each: a tie
