"""The project model plans see: module names, imports, files and facts analysed on demand."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import git
import pytest

from backfix import cst_parse, cst_positions, cst_walk
from backfix.codemod import Codemod, Plan
from backfix.discovery import Workspace
from backfix.project import ImportTarget, ProjectContext, module_name, resolve_import
from backfix.results import FileFacts
from backfix.runner import CodemodSpec, RunOptions, run
from backfix.source import SourceFile


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def _packages(*folders: str) -> Any:
    return lambda folder: folder in folders


@pytest.mark.parametrize(
    ("path", "packages", "expected"),
    [
        ("app/repos/jobs.py", None, "app.repos.jobs"),  # no package information: the path
        ("app/__init__.py", None, "app"),
        ("src/app/jobs.py", None, "app.jobs"),  # the src layout
        ("jobs.py", None, "jobs"),
        ("app/repos/jobs.py", ("app", "app/repos"), "app.repos.jobs"),
        ("backend/app/jobs.py", ("backend/app",), "app.jobs"),  # backend/ is not a package
        ("src/app/jobs.py", ("src/app",), "app.jobs"),
        ("scripts/tool.py", ("app",), "scripts.tool"),  # a namespace package: from the root
        ("backend/app/__init__.py", ("backend/app",), "app"),
        # a namespace folder inside a regular package is imported through that package
        ("src/app/plugins/chat/views.py", ("src/app", "src/app/plugins"), "app.plugins.chat.views"),
        ("backend/app/chat/views.py", ("backend/app",), "app.chat.views"),
        ("app/repos/jobs.py", ("app",), "app.repos.jobs"),
    ],
)
def test_module_name(path: str, packages: tuple[str, ...] | None, expected: str) -> None:
    is_package = None if packages is None else _packages(*packages)
    assert module_name(path, is_package) == expected


def test_resolve_relative_imports() -> None:
    assert resolve_import("app/repos/jobs.py", 1, "models") == ImportTarget(
        "app.repos.models", ("app/repos/models.py", "app/repos/models/__init__.py")
    )
    assert resolve_import("app/repos/jobs.py", 2, "") == ImportTarget(
        "app", ("app.py", "app/__init__.py")
    )
    assert resolve_import("app/__init__.py", 1, "db").module == "app.db"  # type: ignore[union-attr]
    assert resolve_import("src/app/jobs.py", 1, "db").module == "app.db"  # type: ignore[union-attr]
    assert resolve_import("app/jobs.py", 3, "db") is None  # above the project root


def test_resolve_absolute_imports_from_the_import_root() -> None:
    is_package = _packages("backend/app", "backend/app/repos")
    found = resolve_import("backend/app/repos/jobs.py", 0, "app.db", is_package)
    assert found == ImportTarget("app.db", ("backend/app/db.py", "backend/app/db/__init__.py"))


def test_resolve_absolute_imports_from_a_package_init() -> None:
    is_package = _packages("backend/app", "backend/app/repos")
    found = resolve_import("backend/app/__init__.py", 0, "app.clients", is_package)
    assert found == ImportTarget(
        "app.clients", ("backend/app/clients.py", "backend/app/clients/__init__.py")
    )
    nested = resolve_import("backend/app/repos/__init__.py", 0, "app.db", is_package)
    assert nested == ImportTarget("app.db", ("backend/app/db.py", "backend/app/db/__init__.py"))


def test_project_context_reads_packages_from_disk(tmp_path: Path) -> None:
    _write(tmp_path, {"backend/app/__init__.py": "", "backend/app/jobs.py": ""})
    project = ProjectContext(root=str(tmp_path))
    assert project.module_name("backend/app/jobs.py") == "app.jobs"
    assert project.resolve_import("backend/app/jobs.py", 1, "db") == ImportTarget(
        "app.db", ("backend/app/db.py", "backend/app/db/__init__.py")
    )


def test_project_context_answers_as_the_files_were_when_first_asked(tmp_path: Path) -> None:
    """A plan asks about the same folders thousands of times; the files do not change meanwhile,
    so the context looks at each folder once, and still answers as resolve_import does."""
    _write(tmp_path, {"backend/app/__init__.py": "", "backend/app/repos/__init__.py": ""})
    project = ProjectContext(root=str(tmp_path))
    asked = [
        ("backend/app/repos/jobs.py", 0, "app.db"),
        ("backend/app/repos/jobs.py", 2, "models"),
        ("backend/app/jobs.py", 1, ""),
        ("scripts/tool.py", 0, "app.jobs"),
    ]
    first = [project.resolve_import(*question) for question in asked]
    disk = [resolve_import(*question, project.is_package) for question in asked]
    assert first == disk
    (tmp_path / "backend/app/repos/__init__.py").unlink()
    assert [project.resolve_import(*question) for question in asked] == first
    assert project.is_package("backend/app/repos")
    assert project.read("backend/app/__init__.py") == b""
    (tmp_path / "backend/app/__init__.py").write_text("x = 1\n")
    assert project.read("backend/app/__init__.py") == b""
    assert project.read("backend/app/missing.py") is None
    _write(tmp_path, {"backend/app/missing.py": "x = 1\n"})
    assert project.read("backend/app/missing.py") is None


def test_files_and_facts_need_the_runner(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="runner"):
        ProjectContext(root=str(tmp_path)).files()


class _Probe(Codemod):
    """Records in its plan notes what the project model told it."""

    LOCAL = False
    PREFILTER = None

    def analyze(self, source: SourceFile) -> FileFacts:
        return FileFacts(source.path, (), "quick")

    def analyze_for_plan(self, source: SourceFile) -> FileFacts:
        source.module  # noqa: B018 - parse, so a broken file fails here
        return FileFacts(source.path, (), f"full {len(source.raw)}")

    def plan(self, facts: Sequence[FileFacts], project: ProjectContext) -> Plan:
        files = project.files()
        found = project.facts_for_all(files)
        again = project.facts_for("lib/util.py")
        notes = [
            "files: " + " ".join(files),
            "facts: " + " ".join(f"{p}={f.data}" for p, f in sorted(found.items())),
            f"again: {again.data if again else None}",
        ]
        return Plan(notes=notes)


def _probe(root: Path, paths: list[Path], exclude: Sequence[str] = ()) -> Any:
    options = RunOptions(specs=[CodemodSpec(_Probe, "probe")], paths=paths, exclude=exclude, jobs=1)
    return run(Workspace(root=root, in_git=(root / ".git").exists()), options)


def test_files_follow_gitignore_and_excludes_whatever_the_paths(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            ".gitignore": "generated/\n",
            "app/jobs.py": "x = 1\n",
            "lib/util.py": "y = 2\n",
            "generated/copy.py": "x = 1\n",
            "legacy/old.py": "z = 3\n",
            "build/lib/app/jobs.py": "x = 1\n",
            # a cookiecutter template: Jinja, not a module the project imports
            "template/{{cookiecutter.name}}/plugin.py": "import {{ cookiecutter.name }}\n",
        },
    )
    git.Repo.init(tmp_path)
    result = _probe(tmp_path, [tmp_path / "app"], exclude=["legacy"])
    assert result.notes[0] == "files: app/jobs.py lib/util.py"
    assert result.notes[1] == "facts: app/jobs.py=full 6 lib/util.py=full 6"
    assert result.notes[2] == "again: full 6"


def test_a_file_that_does_not_parse_is_reported_not_skipped(tmp_path: Path) -> None:
    _write(tmp_path, {"app/jobs.py": "x = 1\n", "lib/util.py": "def broken(:\n"})
    result = _probe(tmp_path, [tmp_path / "app"])
    assert result.notes[1] == "facts: app/jobs.py=full 6"
    assert result.notes[2] == "again: None"
    assert [(e.path, e.kind) for e in result.errors] == [("lib/util.py", "syntax-error")]


def test_the_checks_workers_would_repeat_are_answered_before_a_plan_forks(tmp_path: Path) -> None:
    """A plan's file requests fork workers; each inherits the checks the main process answered."""
    checks = (cst_parse.skips_validation, cst_positions.exact, cst_walk.trusted)
    for check in checks:
        check.cache_clear()
    _write(tmp_path, {"app/jobs.py": "x = 1\n", "lib/util.py": "y = 2\n"})
    result = _probe(tmp_path, [tmp_path / "app"])
    assert result.notes[1] == "facts: app/jobs.py=full 6 lib/util.py=full 6"
    assert [check.cache_info().currsize for check in checks] == [1, 1, 1]
    assert all(check() for check in checks)  # this LibCST is one the cheap helpers trust


class _PartProbe(Codemod):
    """Asks for part of the facts of some files, and for the full facts of others (``ASKS``)."""

    LOCAL = False
    PREFILTER = None
    #: the plan's questions in order: (paths, part)
    ASKS: Sequence[tuple[Sequence[str], str]] = ()

    def analyze(self, source: SourceFile) -> FileFacts:
        return FileFacts(source.path, (), "quick")

    def analyze_for_plan(self, source: SourceFile) -> FileFacts:
        source.module  # noqa: B018 - parse, so a broken file fails here
        return FileFacts(source.path, (), "full")

    def analyze_part(self, source: SourceFile, part: str) -> FileFacts:
        source.module  # noqa: B018
        return FileFacts(source.path, (), part)

    def plan(self, facts: Sequence[FileFacts], project: ProjectContext) -> Plan:
        notes = [f"known: {sorted(project.known_facts(project.files()))}"]
        for paths, part in self.ASKS:
            found = project.facts_for_all(paths, part)
            notes.append(" ".join(f"{p}={f.data}" for p, f in sorted(found.items())))
        return Plan(notes=notes)


def _part_probe(
    root: Path, asks: Sequence[tuple[Sequence[str], str]], cache: bool, patch: pytest.MonkeyPatch
) -> Any:
    patch.setattr(_PartProbe, "ASKS", tuple(asks))
    options = RunOptions(
        specs=[CodemodSpec(_PartProbe, "probe")], paths=[root / "app"], jobs=1, cache=cache
    )
    return run(Workspace(root=root), options)


def test_part_of_the_facts_is_analysed_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A part is the codemod's ``analyze_part``; a file whose full facts the run holds gets those;
    a broken file is reported once, whichever way it was asked for."""
    _write(tmp_path, {"app/jobs.py": "x = 1\n", "lib/util.py": "y = 2\n", "lib/bad.py": "x = (\n"})
    asks = [
        (["lib/util.py", "lib/bad.py"], "p"),
        (["app/jobs.py", "lib/bad.py"], ""),
        (["app/jobs.py", "lib/util.py", "lib/bad.py"], "p"),
        (["lib/util.py"], "q"),
    ]
    result = _part_probe(tmp_path, asks, False, monkeypatch)
    assert result.notes[1:] == [
        "lib/util.py=p",
        "app/jobs.py=full",
        "app/jobs.py=full lib/util.py=p",
        "lib/util.py=q",
    ]
    assert [(e.path, e.kind) for e in result.errors] == [("lib/bad.py", "syntax-error")]


def test_cached_parts_never_stand_in_for_the_full_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each part is cached apart: a warm run takes each file's facts for what it asks, never the
    facts of another part or the full facts' place."""
    _write(tmp_path, {"app/jobs.py": "x = 1\n", "lib/util.py": "y = 2\n"})
    cold = _part_probe(tmp_path, [(["lib/util.py"], "p"), (["app/jobs.py"], "")], True, monkeypatch)
    assert cold.notes == ["known: []", "lib/util.py=p", "app/jobs.py=full"]
    warm = _part_probe(
        tmp_path,
        [(["lib/util.py"], "q"), (["lib/util.py", "app/jobs.py"], "p"), (["lib/util.py"], "")],
        True,
        monkeypatch,
    )
    assert warm.notes == [
        "known: ['app/jobs.py']",  # only the full facts count as known
        "lib/util.py=q",
        "app/jobs.py=full lib/util.py=p",
        "lib/util.py=full",
    ]


class _WholeProbe(_PartProbe):
    """A codemod that cannot analyse part of a file's facts: no ``analyze_part``."""

    analyze_part = None  # type: ignore[assignment]


def test_without_analyze_part_a_part_is_the_full_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, {"app/jobs.py": "x = 1\n"})
    monkeypatch.setattr(_PartProbe, "ASKS", ((["app/jobs.py"], "p"),))
    options = RunOptions(
        specs=[CodemodSpec(_WholeProbe, "probe")], paths=[tmp_path / "app"], jobs=1
    )
    assert run(Workspace(root=tmp_path), options).notes[1:] == ["app/jobs.py=full"]


SUBPROJECTS = {
    "svc/pyproject.toml": '[project]\nname = "svc"\ndependencies = ["sqlalchemy==1.4.22"]\n',
    "svc/app/crud.py": "x = 1\n",
    "jobs/requirements.txt": "sqlalchemy==2.0.30\n",
    "jobs/run.py": "y = 2\n",
}


@pytest.mark.parametrize(
    ("paths", "expected"),
    [
        ((), ""),  # the root
        (("svc/app/crud.py",), "svc"),
        (("jobs", "svc/app"), "jobs"),  # paths in two projects: the first path's
        (("svc/app", "jobs"), "svc"),
    ],
)
def test_the_project_folder_is_the_first_paths(
    tmp_path: Path, paths: tuple[str, ...], expected: str
) -> None:
    _write(tmp_path, SUBPROJECTS)
    project = ProjectContext(root=str(tmp_path), paths=paths)
    assert project.project_folder() == (tmp_path / expected).resolve()


class _FolderProbe(Codemod):
    """Records in its plan notes the run's paths and project folder the context gives."""

    LOCAL = False
    PREFILTER = None

    def analyze(self, source: SourceFile) -> FileFacts:
        return FileFacts(source.path, (), "")

    def plan(self, facts: Sequence[FileFacts], project: ProjectContext) -> Plan:
        folder = project.project_folder().relative_to(Path(project.root).resolve())
        return Plan(notes=[" ".join(project.paths), folder.as_posix()])


def test_the_runner_gives_the_plan_the_runs_paths(tmp_path: Path) -> None:
    _write(tmp_path, SUBPROJECTS)
    options = RunOptions(
        specs=[CodemodSpec(_FolderProbe, "probe")],
        paths=[tmp_path / "svc/app", tmp_path / "jobs/run.py"],
        jobs=1,
    )
    result = run(Workspace(root=tmp_path), options)
    assert result.notes == ["svc/app jobs/run.py", "svc"]


@pytest.mark.parametrize(
    ("root_declares", "expected"),
    [
        ("pre-commit\nruff==0.6.9\n", "backend"),  # only its tooling
        ("sqlalchemy==2.0.30\n", ""),  # a library codemods read the version of
    ],
)
def test_a_root_declaring_only_its_tooling_takes_the_folder_most_files_are_in(
    tmp_path: Path, root_declares: str, expected: str
) -> None:
    """A monorepo whose root declares its linters, with the application and its pins in a
    folder below: the versions are the application's, not backfix's own environment's."""
    _write(
        tmp_path,
        {
            "requirements-dev.txt": root_declares,
            "backend/pyproject.toml": (
                '[project]\nname = "backend"\ndependencies = ["sqlalchemy==1.4.22"]\n'
            ),
            "backend/app/models.py": "x = 1\n",
            "backend/app/views.py": "x = 1\n",
            "tools/release.py": "x = 1\n",
        },
    )
    options = RunOptions(specs=[CodemodSpec(_FolderProbe, "probe")], paths=[tmp_path], jobs=1)
    result = run(Workspace(root=tmp_path), options)
    assert result.notes[1:] == [expected or "."]


def test_a_root_that_is_a_package_names_its_modules_from_its_own_name(tmp_path: Path) -> None:
    """A run rooted in ``webapp/`` (it holds an ``__init__.py``): its modules are
    ``webapp.*``, and ``from webapp.models import X`` is one of the project's imports."""
    root = tmp_path / "shop" / "webapp"
    for rel in ("__init__.py", "models.py", "routes/__init__.py", "routes/jobs.py", "loose/x.py"):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("")
    project = ProjectContext(root=str(root))
    assert project.root_package == "webapp"
    assert project.module_name("routes/jobs.py") == "webapp.routes.jobs"
    assert project.module_name("__init__.py") == "webapp"
    assert project.module_name("loose/x.py") == "loose.x"  # a folder that is no package
    assert project.resolve_import("routes/jobs.py", 0, "webapp.models") == ImportTarget(
        "webapp.models", ("models.py", "models/__init__.py")
    )
    assert project.resolve_import("routes/jobs.py", 2, "models") == ImportTarget(
        "webapp.models", ("models.py", "models/__init__.py")
    )
    assert project.resolve_import("routes/jobs.py", 0, "flask") == ImportTarget(
        "flask", ("flask.py", "flask/__init__.py")
    )


def test_a_root_that_is_no_package_changes_nothing(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    project = ProjectContext(root=str(tmp_path))
    assert project.root_package == ""
    assert project.module_name("app/jobs.py") == "app.jobs"
