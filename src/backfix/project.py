"""The project model a cross-file codemod plans with: files, their facts, module names, imports.

The runner builds one :class:`ProjectContext` per codemod and hands it to ``plan``. Through it a plan
sees the whole project the way the engine does: the same file discovery (``.gitignore``, excludes),
facts of files outside the scanned paths analysed on demand in the runner's worker pool (with its
cache and per-file error reporting), and one rule for the dotted module name of a file and for what
an import statement refers to.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, runtime_checkable

from backfix.results import FileError, FileFacts
from backfix.source import SourceFile, python_tree

#: folders holding build output: copies of the sources, never the project itself.
BUILD_DIRS = frozenset({"build", "dist", "htmlcov"})


class ProjectEngine(Protocol):
    """What the runner provides behind a :class:`ProjectContext` (discovery and analysis)."""

    def files(self) -> list[str]:
        """The project's Python files, root-relative, sorted."""
        ...

    def facts_for(self, paths: Sequence[str], part: str = "") -> dict[str, FileFacts]:
        """Facts of ``paths`` for the context's codemod (only ``part`` of them, if given);
        failures are reported, and left out."""
        ...

    def cached_facts(self, paths: Sequence[str], part: str = "") -> dict[str, FileFacts]:
        """Facts of ``paths`` the run holds already (analysed, or in its cache), only ``part`` of
        them if given; analyses nothing."""
        ...

    def report_error(self, error: FileError) -> None:
        """Add a per-file error to the run, unless the run already reported one for that file."""
        ...


@runtime_checkable
class AnalyzesForPlan(Protocol):
    """A codemod whose ``analyze`` skips files cheaply that its plan may still need in full.

    When a codemod defines ``analyze_for_plan``, :meth:`ProjectContext.facts_for` runs it instead of
    ``analyze`` (same worker pool, same error handling).
    """

    def analyze_for_plan(self, source: SourceFile) -> FileFacts:
        """The full facts of one file, as the plan needs them."""
        ...


@runtime_checkable
class AnalyzesInParts(Protocol):
    """A codemod whose plan reads only part of the facts of some files, and that can find that
    part for less than the full facts (``ProjectContext.facts_for_all(paths, part=...)``)."""

    def analyze_part(self, source: SourceFile, part: str) -> FileFacts:
        """The facts of one file the plan reads under ``part`` (a name of the codemod's own)."""
        ...


@dataclass(frozen=True)
class ImportTarget:
    """What an import refers to: a dotted module name and the files that may define it."""

    module: str
    #: root-relative candidate files, ``pkg/mod.py`` before ``pkg/mod/__init__.py``.
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class ProjectContext:
    """What the plan phase may know about the whole project."""

    root: str
    config: Mapping[str, Any] = field(default_factory=dict)
    #: the paths the run was given, root-relative (``"."`` for the root), in the order given;
    #: empty: the root.
    paths: tuple[str, ...] = ()
    #: with ``apply --max-files``, the files of this batch: a plan must not edit anything that only
    #: serves violations of other files (a service method for a route file outside the batch).
    batch: frozenset[str] | None = None
    #: discovery and on-demand analysis, provided by the runner.
    engine: ProjectEngine | None = field(default=None, compare=False, repr=False)
    #: per folder, whether it is a package: a plan asks for the same few folders thousands of
    #: times, and the files do not change while it plans.
    _packages: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    _imports: dict[tuple[str, int, str], ImportTarget | None] = field(
        default_factory=dict, compare=False, repr=False
    )
    #: per file, its bytes (None: no such file), read once for the same reason
    _texts: dict[str, bytes | None] = field(default_factory=dict, compare=False, repr=False)
    #: per file, `ast` of its bytes (None: no such file, or this interpreter cannot parse it)
    _trees: dict[str, ast.Module | None] = field(default_factory=dict, compare=False, repr=False)
    #: the project folder (under the key ""), found once: codemods read versions more than once
    _folder: dict[str, Path] = field(default_factory=dict, compare=False, repr=False)
    _names: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def abs_path(self, path: str) -> str:
        """Absolute path of a repository-relative path."""
        return str(Path(self.root, path))

    def read(self, path: str) -> bytes | None:
        """Bytes of a repository-relative file, or None when it does not exist (read once: the
        files do not change while a plan runs)."""
        if path not in self._texts:
            try:
                self._texts[path] = Path(self.root, path).read_bytes()
            except FileNotFoundError:
                self._texts[path] = None
        return self._texts[path]

    def tree(self, path: str) -> ast.Module | None:
        """`ast` of :meth:`read`'s bytes, parsed once (plans ask about the same service modules
        from several places); None when there is no such file or it does not parse. Callers
        must not change the tree."""
        if path not in self._trees:
            raw = self.read(path)
            self._trees[path] = python_tree(raw) if raw is not None else None
        return self._trees[path]

    def files(self) -> list[str]:
        """Every Python file of the project, root-relative and sorted.

        Found as the runner finds files (git's list, so ``.gitignore`` applies, or a walk outside
        git; the run's excludes), whatever paths the run was given; build output (``build/``,
        ``dist/``, ``htmlcov/``, ``*.egg-info/``) is left out, since it only holds copies, and so
        are project templates (see :func:`is_template`).
        """
        return [p for p in self._engine().files() if not is_build_output(p) and not is_template(p)]

    def facts_for(self, path: str) -> FileFacts | None:
        """The facts of one project file for this codemod, analysed on demand (see facts_for_all)."""
        return self.facts_for_all([path]).get(path)

    def facts_for_all(self, paths: Iterable[str], part: str = "") -> dict[str, FileFacts]:
        """Facts of project files for this codemod, analysed in parallel in the runner's pool.

        Files inside the scanned paths and outside them alike; the text prefilter does not apply
        (the plan asked for these files). Each file is analysed once per run and cached like any
        other. A file that cannot be read, decoded or parsed is reported as a per-file error of the
        run and is missing from the result.

        With ``part`` (a codemod that :class:`AnalyzesInParts`), a file whose full facts the run
        holds already (analysed, or asked for through :meth:`known_facts`) gets those; the others
        get ``analyze_part(source, part)``, cached apart: part of the facts never stands in for the
        full facts, nor one part for another.
        """
        wanted = sorted(set(paths))
        return self._engine().facts_for(wanted, part) if wanted else {}

    def known_facts(self, paths: Iterable[str], part: str = "") -> dict[str, FileFacts]:
        """The facts of project files this run can give without analysing them (see facts_for_all).

        Those analysed already, and with the cache on, those unchanged since they were cached. For a
        plan that otherwise picks the files to analyse with a cheaper pass of its own: the files
        listed here cost nothing to take. Nothing is reported for the files left out. With
        ``part``, the files whose full facts or that part of them the run can give (each as
        ``facts_for_all`` with that part would).
        """
        wanted = sorted(set(paths))
        return self._engine().cached_facts(wanted, part) if wanted else {}

    def report_error(self, path: str, kind: str, message: str, line: int = 0, col: int = 0) -> None:
        """Report a file the plan could not read as a per-file error of the run (``col`` 1-based).

        For files a plan reads itself (``read``): a file it cannot parse must not be skipped without
        a word. Nothing is added when the run already reported an error for ``path``.
        """
        self._engine().report_error(FileError(path, line, col, kind, message))

    def is_package(self, folder: str) -> bool:
        """Whether ``folder`` (root-relative, ``""`` for the root) holds an ``__init__.py`` (looked at
        once per context: the files do not change while a plan runs)."""
        known = self._packages.get(folder)
        if known is None:
            init = f"{folder}/__init__.py" if folder else "__init__.py"
            known = self._packages[folder] = Path(self.root, init).is_file()
        return known

    def module_name(self, path: str) -> str:
        """The dotted name a file is imported under; see :func:`module_name`. In a project whose
        root folder is a package itself, the root's own name comes first (``webapp.models`` for
        ``models.py`` in ``webapp/``) where the file's chain of packages reaches the root."""
        return rooted_module_name(path, self.is_package, self.root_package)

    @property
    def root_package(self) -> str:
        """The dotted name of the root folder when it is a package itself, else ""."""
        if "root_package" not in self._names:
            self._names["root_package"] = root_package_name(Path(self.root))
        return self._names["root_package"]

    def resolve_import(self, from_path: str, level: int, module: str) -> ImportTarget | None:
        """What ``from <level dots><module> import ...`` in ``from_path`` means; see resolve_import.
        An absolute import of the root package's own modules (``webapp.models`` in a project rooted
        in ``webapp/``) is one of the project's."""
        key = (from_path, level, module)
        if key not in self._imports:
            self._imports[key] = self._resolve(from_path, level, module)
        return self._imports[key]

    def _resolve(self, from_path: str, level: int, module: str) -> ImportTarget | None:
        prefix = self.root_package
        if not prefix:
            return resolve_import(from_path, level, module, self.is_package)
        inside = module == prefix or module.startswith(f"{prefix}.")
        if not level:
            if not inside or not reaches_root(from_path, self.is_package):
                return resolve_import(from_path, level, module, self.is_package)
            module = module[len(prefix) + 1 :]  # from the root, which is that package
        target = resolve_import(from_path, level, module, self.is_package)
        if target is None:
            return None
        return ImportTarget(self.module_name(target.candidates[0]), target.candidates)

    def project_folder(self) -> Path:
        """The folder of the project the run is on, where its library versions are read.

        In a repository holding several projects (a monorepo), the nearest folder from the run's
        first path up to the root that declares dependencies (see
        :func:`backfix.versions.project_folder`); the root when none does. Paths of one run in
        different projects get the first path's, as the run's workspace and ``[tool.backfix]``
        configuration are the first path's. Where that is the root and the root declares none of
        the libraries whose versions codemods read (nothing, or only its tooling: a monorepo's
        pre-commit and ruff), the project folder most of the project's Python files belong to
        (its code and requirements in a folder below the root).
        """
        if "" not in self._folder:
            # (a plan reading no versions never needs these)
            from backfix.versions import (
                PACKAGES,
                declares_dependencies,
                folder_of_most,
                project_folder,
            )

            root = Path(self.root)
            found = project_folder(root, root / self.paths[0]) if self.paths else root.resolve()
            if (
                found == root.resolve()
                and self.engine is not None  # (a context built for one question has no files)
                and not declares_dependencies(root, PACKAGES)
            ):
                found = folder_of_most(root, self.files())
            self._folder[""] = found
        return self._folder[""]

    def _engine(self) -> ProjectEngine:
        if self.engine is None:
            raise RuntimeError("this ProjectContext has no engine: build it through backfix.runner")
        return self.engine


def is_build_output(path: str) -> bool:
    """Whether a root-relative path lies in build output (``build/``, ``*.egg-info/``...)."""
    folders = PurePosixPath(path).parts[:-1]
    return any(part in BUILD_DIRS or part.endswith(".egg-info") for part in folders)


def is_test_module(path: str) -> bool:
    """Test code: under a ``tests``/``test`` folder, ``test_*.py``, ``*_test.py``, ``conftest.py``."""
    pure = PurePosixPath(path)
    return (
        bool({"tests", "test"} & set(pure.parts[:-1]))
        or pure.name.startswith("test_")
        or pure.name.endswith("_test.py")
        or pure.name == "conftest.py"
    )


def is_template(path: str) -> bool:
    """Whether a root-relative path lies in a project template (a cookiecutter or copier folder
    named ``{{cookiecutter.project}}``): its files are Jinja templates, not modules the project
    imports, and often not Python a parser reads."""
    return bool(template_folder(path))


def template_folder(path: str) -> str:
    """The outermost templated folder of the project template ``path`` lies in (see
    :func:`is_template`), "" for none."""
    parts = PurePosixPath(path).parts[:-1]
    for index, part in enumerate(parts):
        if "{{" in part or "{%" in part:
            return "/".join(parts[: index + 1])
    return ""


def module_name(path: str, is_package: Callable[[str], bool] | None = None) -> str:
    """The dotted name a root-relative ``.py`` file is imported under.

    * In a regular package (its folder has an ``__init__.py``) the name starts at the outermost
      folder of the chain of packages: ``backend/app/jobs.py`` with ``app/__init__.py`` only is
      ``app.jobs``.
    * In a namespace folder inside a regular package, the same: Python imports
      ``src/app/plugins/chat/views.py`` as ``app.plugins.chat.views`` when only ``app/`` and
      ``app/plugins/`` hold an ``__init__.py``.
    * Otherwise (a namespace package, a top-level module, or no package information given:
      ``is_package=None``) the name is the path from the project root: ``app/repos/jobs.py`` is
      ``app.repos.jobs``.

    A leading ``src/`` folder is never part of the name (the ``src`` layout), ``pkg/__init__.py``
    is ``pkg``. ``is_package`` answers for a root-relative folder; pass your own to account for
    packages a plan is about to create.
    """
    parts = list(PurePosixPath(path).with_suffix("").parts)
    folders = parts[:-1]
    top = 0
    nearest = _nearest_package(folders, is_package) if is_package is not None else 0
    if is_package is not None and nearest:
        top = nearest
        while top > 0 and is_package("/".join(folders[:top])):
            top -= 1
    elif folders and folders[0] == "src":
        top = 1
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts[top:])


def _nearest_package(folders: list[str], is_package: Callable[[str], bool]) -> int:
    """How many of ``folders`` lead to the deepest one that is a regular package (0: none)."""
    return next(
        (end for end in range(len(folders), 0, -1) if is_package("/".join(folders[:end]))), 0
    )


def reaches_root(path: str, is_package: Callable[[str], bool]) -> bool:
    """Whether every folder from ``path``'s own up to the root (``""``) is a regular package."""
    folders = PurePosixPath(path).parts[:-1]
    return all(is_package("/".join(folders[:end])) for end in range(len(folders) + 1))


def rooted_module_name(path: str, is_package: Callable[[str], bool], root_package: str) -> str:
    """:func:`module_name`, with ``root_package`` (the root folder's own name when it is a
    package: see :func:`root_package_name`) first where ``path``'s packages reach the root."""
    name = module_name(path, is_package)
    if not root_package or not reaches_root(path, is_package):
        return name
    return f"{root_package}.{name}" if name else root_package


def root_package_name(root: Path) -> str:
    """The dotted name the project ``root`` folder is imported under when it is a regular package
    itself (``shop.webapp`` for ``shop/webapp/`` when both hold an ``__init__.py``), else ""."""
    names: list[str] = []
    folder = root.resolve()
    while (folder / "__init__.py").is_file() and folder.name:
        names.insert(0, folder.name)
        folder = folder.parent
    return ".".join(names)


def from_import_module(from_path: str, level: int, module: str) -> str:
    """The dotted module ``from <level dots><module> import`` in ``from_path`` names, resolved
    from paths alone; ``""`` when a relative import climbs above the project root."""
    if not level:
        return module
    target = resolve_import(from_path, level, module)
    return target.module if target is not None else ""


def resolve_import(
    from_path: str,
    level: int,
    module: str,
    is_package: Callable[[str], bool] | None = None,
) -> ImportTarget | None:
    """What ``from <level dots><module> import`` (``level`` 0: absolute) in ``from_path`` refers to.

    A relative import is resolved against the folder of ``from_path``; None when it climbs above
    the project root. An absolute import's candidates are looked up from the root of
    ``from_path``'s import tree (see :func:`module_name`). ``module`` may be ``""``
    (``from . import x``).
    """
    folder = list(PurePosixPath(from_path).parts[:-1])
    if level:
        if level - 1 > len(folder):
            return None
        base = folder[: len(folder) - (level - 1)]
    else:
        name = module_name(from_path, is_package)
        # the folders that are part of ``from_path``'s own dotted name: all of them for a package's
        # ``__init__.py``, all but the module itself otherwise
        depth = len(name.split(".")) if name else 0
        if PurePosixPath(from_path).stem != "__init__":
            depth = max(depth - 1, 0)
        base = folder[: len(folder) - depth]
    stem = [*base, *(module.split(".") if module else [])]
    if not stem:
        return ImportTarget("", ("__init__.py",))
    joined = "/".join(stem)
    candidates = (f"{joined}.py", f"{joined}/__init__.py")
    return ImportTarget(module_name(candidates[0], is_package), candidates)
