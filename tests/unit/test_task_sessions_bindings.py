"""task-sessions follows names through files by what they bind, and looks for names word by word.

The plan follows a task function or a dependency from import to import (``resolve.Index``). A file
such a chain only passes through used to be analysed in full; now only what it imports and binds is
read (``names.module_names``, after the same LibCST parse), and the full analysis runs when the plan
needs more of the file. The files naming a function are looked for one word at a time (a substring
test first) instead of with one pattern of every word. Both must change nothing: the imports and
module-level names are the full analysis' own, and a run reports, fixes, rewrites and fails on
exactly what a run that analyses every file it follows in full reports, fixes, rewrites and fails
on. The inputs: hand-written edge cases, every snapshot input and e2e application, a generated
web-app corpus, and a project of re-export chains, an import cycle, a chain longer than the plan
follows, and files LibCST cannot parse (one before a package of the same name it shadows).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.task_sessions import TaskSessions
from backfix.builtin_codemods.task_sessions.analyze import analyze_module
from backfix.builtin_codemods.task_sessions.facts import ProjectFacts
from backfix.builtin_codemods.task_sessions.names import module_names
from backfix.builtin_codemods.task_sessions.resolve import MAX_HOPS
from test_task_sessions_quick import ODD, PROJECT, _corpus, _outcome, _roots, _sources

from backfix.discovery import Workspace
from backfix.project import ProjectContext
from backfix.results import FileFacts, RunResult
from backfix.runner import CodemodSpec, RunOptions, run

#: the chain ``app/chain/c0.py`` → ... → the task: longer than the plan follows
_LINKS = MAX_HOPS + 3

CHAINS = {
    "app/__init__.py": "",
    "app/database.py": PROJECT["app/database.py"],
    # the task, re-exported under another name by its package, which also imports a file LibCST
    # cannot parse (the plan follows every import of a file naming the task)
    "app/jobs/__init__.py": "from .tasks import process as run_process\nfrom app.odd import tick\n",
    "app/jobs/tasks.py": PROJECT["app/jobs.py"],
    "app/odd.py": ODD,
    "app/broken.py": "def broken(:\n",
    # `app/shadow.py` comes first among the files `app.shadow` may be, but LibCST cannot parse it:
    # the package's `__init__.py` is what the import means to the plan
    "app/shadow.py": ODD,
    "app/shadow/__init__.py": "from app.jobs.tasks import process\n",
    "app/loop_a.py": "from app.loop_b import thing\n",
    "app/loop_b.py": "from app.loop_a import thing\n",
    **{
        f"app/chain/c{i}.py": f"from app.chain.c{i + 1} import process\n" for i in range(_LINKS - 1)
    },
    f"app/chain/c{_LINKS - 1}.py": "from app.jobs.tasks import process\n",
    "app/routes.py": (
        "from fastapi import BackgroundTasks, Depends, FastAPI\n"
        "from sqlalchemy.orm import Session\n\n"
        "from app.broken import broken\n"
        "from app.chain.c0 import process as far\n"
        "from app.database import get_db\n"
        "from app.jobs import run_process\n"
        "from app.loop_a import thing\n"
        "from app.shadow import process as shadowed\n\n"
        "app = FastAPI()\n\n\n"
        "@app.post('/jobs/{job_id}')\n"
        "def run(job_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(run_process, job_id, db)\n"
        "    return {'queued': job_id}\n\n\n"
        "@app.post('/jobs/{job_id}/again')\n"
        "def again(job_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(shadowed, job_id, db)\n"
        "    return {'queued': job_id}\n\n\n"
        "@app.post('/jobs/{job_id}/far')\n"
        "def later(job_id: int, tasks: BackgroundTasks, db: Session = Depends(get_db)):\n"
        "    tasks.add_task(far, job_id, db)\n"
        "    return thing(broken)\n"
    ),
    "scripts/rerun.py": (
        "from app.shadow import process as again\n\n\ndef main() -> None:\n    again(1)\n"
    ),
}


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def _pattern_mentioning(self: ProjectFacts, words: Iterable[str]) -> list[str]:
    """``ProjectFacts.mentioning`` as it was: one pattern of every word over every file."""
    pattern = re.compile(
        rb"\b(?:" + b"|".join(re.escape(w.encode()) for w in sorted(words)) + rb")\b"
    )
    paths = sorted(p for p in self._files if pattern.search(self.project.read(p) or b""))
    self.load(paths)
    return [p for p in paths if p in self._data]


def _in_full(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file the plan follows a name through is analysed in full, as before."""
    monkeypatch.setattr(ProjectFacts, "bindings", ProjectFacts.get)
    monkeypatch.setattr(ProjectFacts, "mentioning", _pattern_mentioning)


def test_what_a_file_binds_is_what_its_analysis_records(tmp_path: Path) -> None:
    sources = {**_sources(), **_corpus(tmp_path), **CHAINS}
    checked = 0
    for name, code in sources.items():
        try:
            module = cst.parse_module(code)
        except cst.ParserSyntaxError:
            continue
        full, bound = analyze_module(module), module_names(module)
        assert list(bound.imports.items()) == list(full.imports.items()), name
        assert bound.top_names == full.top_names, name
        checked += 1
    assert checked > 100


def test_runs_agree_with_runs_that_analyse_every_file_they_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roots = [*_roots(tmp_path), _write(tmp_path / "chains", CHAINS)]
    following = [_outcome(root) for root in roots]
    _in_full(monkeypatch)
    in_full = [_outcome(root) for root in roots]
    assert following == in_full
    scan_violations, scan_errors = in_full[-1][:2]
    assert [(e.path, e.kind) for e in scan_errors] == [  # type: ignore[attr-defined]
        ("app/broken.py", "syntax-error"),
        ("app/odd.py", "unsupported-syntax"),
        ("app/shadow.py", "unsupported-syntax"),
    ]
    assert [v.fixable for v in scan_violations] == [True, True, False]  # type: ignore[attr-defined]


def _run(root: Path, cache: bool) -> RunResult:
    spec = CodemodSpec(TaskSessions, "task-sessions", ())
    options = RunOptions(specs=[spec], paths=[root], jobs=1, cache=cache, config={"format": False})
    return run(Workspace(root=root), options)


def test_a_warm_cache_gives_what_a_cold_run_gives(tmp_path: Path) -> None:
    root = _write(tmp_path / "chains", CHAINS)
    cold = _run(root, cache=False)
    runs = [_run(root, cache=True) for _ in range(3)]
    for warm in runs:
        assert (warm.violations, warm.errors) == (cold.violations, cold.errors)
    assert cold.violations


class _Files:
    """The part of the runner's engine ``ProjectFacts.mentioning`` uses: the files, and facts."""

    def __init__(self, files: list[str]) -> None:
        self.paths = files

    def files(self) -> list[str]:
        return list(self.paths)

    def facts_for(self, paths: Iterable[str], part: str = "") -> dict[str, FileFacts]:
        return {path: FileFacts(path, (), analyze_module(cst.Module([]))) for path in paths}


TEXTS = {
    "a.py": "from app.jobs import process\nprocess(1)\n",
    "b.py": "reprocess = 1\nprocess_all()\n_process = 2\n",
    "c.py": "x = jobs.process\n",
    "d.py": "# process\n",
    "e.py": "processing = 'process'\n",
    "f.py": "pröcess = process2\n",
    "g.py": "run_process(1)\nrun = 2\n",
    "h.py": "",
}
WORDS = [
    ["process"],
    ["process", "run_process"],
    ["run", "process_all"],
    ["pröcess"],
    ["process2", "_process", "reprocess"],
    ["nowhere"],
    ["run_process", "run"],
]


@pytest.mark.parametrize("words", WORDS)
def test_files_naming_words_are_the_files_the_pattern_finds(
    tmp_path: Path, words: list[str]
) -> None:
    _write(tmp_path, TEXTS)
    project = ProjectContext(root=str(tmp_path), engine=_Files(sorted(TEXTS)))  # type: ignore[arg-type]
    facts = ProjectFacts(project, {})
    expected = _pattern_mentioning(ProjectFacts(project, {}), words)
    assert facts.mentioning(words) == expected
    assert facts.mentioning(reversed(words)) == expected  # cached per word
