"""move-commits' plan reads an existing service module's bindings from `ast`, as from LibCST.

``service_bindings_from_ast`` must say what ``service_bindings`` says of the same module (names
bound with their import statements, the methods of the class to extend, whether it can be
extended) for every class name in it and for names it lacks; compared here over hand-written
modules, every snapshot and e2e file, a generated web-app corpus and the standard library.
"""

from __future__ import annotations

import ast
import sysconfig
import textwrap
import warnings
from pathlib import Path

import libcst as cst
import pytest
from backfix.builtin_codemods.move_commits.bindings import (
    service_bindings,
    service_bindings_from_ast,
)
from testkit import REPO, repository_sources, write_webapp_corpus

CASES = {
    "imports": """
        import os, os.path as osp, a.b.c
        from x import y, z as w
        from x.y import (q as r)
        from . import sibling
        from ..pkg import thing as other
        from m import *
    """,
    "one-line class and a class named like an import": """
        from app import JobService
        class JobService: pass
        class Other: x = 1
    """,
    "a service": """
        import logging
        from app.models import Job

        logger = logging.getLogger(__name__)
        A = B = 1
        c, d = 1, 2
        e: int = 3


        class JobService:
            '''Jobs.'''

            LIMIT = 10
            x, y = 1, 2

            @staticmethod
            def create_job(title):
                return Job(title=title)

            async def close_job(self, job):
                pass

            if True:
                def hidden(self): ...


        async def helper(): ...
    """,
    "a bound name that is not a class": """
        JobService = make_service()
    """,
    "non-ASCII before the body": """
        class JobService:  # é
            def m(self): ...
        class Über: x = "é"
    """,
}


def _differences(code: str) -> list[str]:
    tree = ast.parse(code)
    module = cst.parse_module(code)
    names = [s.name for s in tree.body if isinstance(s, ast.ClassDef)]
    differences = []
    for class_name in [*names, "", "NoSuchService"]:
        expected = service_bindings(module, class_name)
        actual = service_bindings_from_ast(tree, code, class_name)
        if expected != actual:
            differences.append(f"{class_name}: {expected} != {actual}")
    return differences


@pytest.mark.parametrize("code", CASES.values(), ids=list(CASES))
def test_hand_written_modules(code: str) -> None:
    assert _differences(textwrap.dedent(code)) == []


def _parsed_by_both(code: str) -> bool:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(code)
        cst.parse_module(code)
    except (SyntaxError, cst.ParserSyntaxError, RecursionError, ValueError):
        return False
    return True


def test_repository_sources() -> None:
    sources = dict(repository_sources())
    for path in sorted((REPO / "snapshots").rglob("*.py")):
        sources[str(path.relative_to(REPO))] = path.read_text(encoding="utf-8", errors="replace")
    found = {
        path: differences
        for path, code in sources.items()
        if _parsed_by_both(code) and (differences := _differences(code))
    }
    assert found == {}


def test_a_generated_corpus(tmp_path: Path) -> None:
    write_webapp_corpus(tmp_path, seed=3, resources=6)
    found = {
        str(path): differences
        for path in sorted(tmp_path.rglob("*.py"))
        if (differences := _differences(path.read_text()))
    }
    assert found == {}


def test_standard_library_modules() -> None:
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    found = {}
    for path in sorted(stdlib.glob("[a-m]*.py")):
        code = path.read_text(encoding="utf-8", errors="replace")
        if _parsed_by_both(code) and (differences := _differences(code)):
            found[path.name] = differences
    assert found == {}


@pytest.mark.parametrize(
    "raw",
    [
        b'"""Jobs."""\nimport os\n\n\nclass JobService:\n    def close(self):\n        return os.sep\n',
        b"\xef\xbb\xbfimport os\n\n\nclass JobService:\n    def close(self):\n        pass\n",
        b"# -*- coding: latin-1 -*-\nNAME = '\xe9t\xe9'  # \xe9\n\n\nclass JobService:\n"
        b"    def close(self):\n        return NAME\n",
        "from app.models import Caf\u00e9\n\n\nclass JobService:\n    def caf\u00e9(self):\n"
        "        return Caf\u00e9\n".encode(),
        b"import os\r\n\r\n\r\nclass JobService:\r\n    def close(self):\r\n        pass\r\n",
    ],
    ids=["utf-8", "bom", "latin-1 cookie", "non-ascii names", "crlf"],
)
def test_the_tree_of_the_bytes_reads_as_the_tree_of_the_text(raw: bytes) -> None:
    """The plan reads an existing service module from `ast` of its bytes (parsed once for all
    its steps) with the text the reader decoded: the bindings are those of the text's tree."""
    from backfix.source import SourceFile, python_tree

    source = SourceFile("app/services/job_service.py", "/nowhere/job_service.py", raw)
    from_bytes = python_tree(raw)
    from_text = source.ast_module()
    assert from_bytes is not None and from_text is not None
    for class_name in ["JobService", "NoSuchService"]:
        assert service_bindings_from_ast(
            from_bytes, source.text, class_name
        ) == service_bindings_from_ast(from_text, source.text, class_name)
