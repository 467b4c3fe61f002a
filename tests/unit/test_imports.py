"""backfix.imports: adding imports where isort/ruff's default profile would put them."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest

from backfix.imports import (
    FIRST_PARTY,
    FUTURE,
    LOCAL_FOLDER,
    STDLIB,
    THIRD_PARTY,
    ImportSpec,
    add_import,
    add_imports,
    first_party_packages,
    format_imports,
    import_block_end,
    is_imported,
    keep_docstring_gap,
    parse_imports,
    project_root,
    section_of,
)


def added(source: str, *imports: str, root: Path | None = None, line_length: int = 88) -> str:
    module = add_imports(cst.parse_module(source), imports, root=root, line_length=line_length)
    return module.code


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "settings.py").write_text("")
    return tmp_path


# --- merging ---------------------------------------------------------------------------------------------


def test_merges_into_a_single_line_import_in_sorted_position() -> None:
    source = "from sqlalchemy import select\nfrom sqlalchemy.orm import Session\n"
    assert added(source, "from sqlalchemy import func") == (
        "from sqlalchemy import func, select\nfrom sqlalchemy.orm import Session\n"
    )


def test_a_module_importing_one_name_per_line_gets_lines_of_their_own() -> None:
    source = (
        "from flask import request\n"
        "from sqlalchemy import Column\n"
        "from sqlalchemy import Integer\n"
        "from sqlalchemy import not_\n"
    )
    assert added(source, "from sqlalchemy import select", "from sqlalchemy import func") == (
        "from flask import request\n"
        "from sqlalchemy import Column\n"
        "from sqlalchemy import Integer\n"
        "from sqlalchemy import func\n"
        "from sqlalchemy import not_\n"
        "from sqlalchemy import select\n"
    )


def test_one_name_per_line_is_the_style_of_most_statements() -> None:
    source = (
        "from sqlalchemy import Column\n"
        "from sqlalchemy import Integer\n"
        "from sqlalchemy.orm import Session, relationship\n"
    )
    assert added(source, "from sqlalchemy import select").splitlines()[2] == (
        "from sqlalchemy import select"
    )
    # one name per statement, but no module's names apart: isort's default would write the same
    assert added(
        "from flask import g\nfrom sqlalchemy import Column\n", "from flask import abort"
    ) == ("from flask import abort, g\nfrom sqlalchemy import Column\n")


def test_an_import_as_another_name_is_no_sign_of_one_name_per_line() -> None:
    """keep's ``from keep.api.core.db import get_db_preset_by_name`` right above ``from
    keep.api.core.db import get_presets as get_presets_db``: isort's default keeps the renamed
    import apart, so two new names from one module still go in one statement."""
    source = (
        "from app.db import get_one\n"
        "from app.db import get_all as get_all_db\n"
        "from app.models import Job\n"
    )
    assert added(
        source,
        "from app.services.job_service import JobDto",
        "from app.services.job_service import JobService",
    ).splitlines()[-1] == ("from app.services.job_service import JobDto, JobService")


def test_force_single_line_in_the_isort_settings_applies_to_every_module(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.ruff.lint.isort]\nforce-single-line = true\n")
    source = "from sqlalchemy import select\n"
    assert added(source, "from sqlalchemy import func", root=tmp_path) == (
        "from sqlalchemy import func\nfrom sqlalchemy import select\n"
    )


#: Warehouse's layout (ruff's `lines-between-types = 1`): a blank line between a section's kinds
APART = "import os\n\nimport pytest\nimport requests\n\nfrom webauthn import verify\n\nfrom app import db\n"


def test_a_blank_line_between_import_and_from_statements_stays_where_the_kinds_meet(
    project: Path,
) -> None:
    """A new ``from`` statement that sorts first among the section's takes the blank line above
    them; a new ``import`` ends the ``import`` statements and leaves it where it is."""
    assert added(APART, "from sqlalchemy import select", root=project) == APART.replace(
        "\nfrom webauthn", "\nfrom sqlalchemy import select\nfrom webauthn"
    )
    assert added(APART, "import sqlparse", root=project) == APART.replace(
        "import requests\n", "import requests\nimport sqlparse\n"
    )


@pytest.mark.parametrize(("setting", "blank"), [("lines-between-types = 1", True), ("", False)])
def test_lines_between_types_in_the_isort_settings_sets_a_first_from_statement_apart(
    project: Path, setting: str, blank: bool
) -> None:
    (project / "pyproject.toml").write_text(f"[tool.ruff.lint.isort]\n{setting}\n")
    source = "import os\n\nimport requests\n\nfrom app import db\n"
    gap = "\n" if blank else ""
    assert added(source, "from sqlalchemy import select", root=project) == (
        f"import os\n\nimport requests\n{gap}from sqlalchemy import select\n\nfrom app import db\n"
    )


def test_names_sort_constants_then_classes_then_the_rest() -> None:
    source = "from sqlalchemy import select\n"
    result = added(source, "from sqlalchemy import Column", "from sqlalchemy import CHAR, and_")
    assert result == "from sqlalchemy import CHAR, Column, and_, select\n"


def test_existing_names_and_aliases_are_not_duplicated() -> None:
    source = "from sqlalchemy import func, select\nfrom app import db as database\n"
    assert added(source, "from sqlalchemy import select", "from app import db as database") == (
        source
    )


def test_an_aliased_import_is_not_merged_into() -> None:
    source = "from sqlalchemy import select as sel\n"
    assert added(source, "from sqlalchemy import select") == (
        "from sqlalchemy import select\nfrom sqlalchemy import select as sel\n"
    )


def test_merges_into_a_parenthesized_import_keeping_comments() -> None:
    source = "from sqlalchemy import (\n    Column,\n    select,  # queries\n)\n\nx = 1\n"
    assert added(source, "from sqlalchemy import func", "from sqlalchemy import update") == (
        "from sqlalchemy import (\n"
        "    Column,\n"
        "    func,\n"
        "    select,  # queries\n"
        "    update,\n"
        ")\n\nx = 1\n"
    )


def test_merges_at_the_end_of_a_parenthesized_import_without_trailing_comma() -> None:
    source = "from sqlalchemy import (\n    Column,\n    select  # queries\n)\n"
    assert added(source, "from sqlalchemy import update") == (
        "from sqlalchemy import (\n    Column,\n    select,  # queries\n    update\n)\n"
    )


def test_names_continued_under_the_parenthesis_keep_their_lines() -> None:
    """ckan's ``from sqlalchemy import (orm, types, ...`` goes on aligned under ``orm``: a new
    name goes in after the one before it and every line break stays, where the lines still fit
    (this import was rewritten one name per line)."""
    source = (
        "from sqlalchemy import (orm, types, Column, Table, ForeignKey, Index,\n"
        "                        CheckConstraint)\n"
    )
    assert added(source, "from sqlalchemy import select", line_length=88) == (
        "from sqlalchemy import (orm, select, types, Column, Table, ForeignKey, Index,\n"
        "                        CheckConstraint)\n"
    )
    last = "from app.models import (Job,\n                        Team)\n"
    assert added(last, "from app.models import User", line_length=88) == (
        "from app.models import (Job,\n                        Team, User)\n"
    )
    # a line that would not fit: wrapped like ruff, as a one-line import is
    assert added(source, "from sqlalchemy import select", line_length=70) == (
        "from sqlalchemy import (\n    orm,\n    select,\n    types,\n    Column,\n"
        "    Table,\n    ForeignKey,\n    Index,\n    CheckConstraint,\n)\n"
    )


def test_a_merged_line_too_long_is_wrapped_like_ruff() -> None:
    source = "from sqlalchemy import and_, or_, select\n"
    assert added(source, "from sqlalchemy import func", line_length=30) == (
        "from sqlalchemy import (\n    and_,\n    func,\n    or_,\n    select,\n)\n"
    )


# --- inserting into sections ------------------------------------------------------------------------------


def test_sections_and_order_inside_a_full_block(project: Path) -> None:
    source = (
        '"""Doc."""\n\n'
        "import os\n\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        "from app.models import User\n\n\n"
        "def f():\n    pass\n"
    )
    result = added(
        source,
        "from sqlalchemy import select",
        "import logging",
        "from app.services import UserService",
        "from .helpers import slug",
        "from __future__ import annotations",
        "from json import dumps",
        root=project,
    )
    assert result == (
        '"""Doc."""\n\n'
        "from __future__ import annotations\n\n"
        "import logging\n"
        "import os\n"
        "from json import dumps\n\n"
        "from sqlalchemy import select\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n\n"
        "from app.models import User\n"
        "from app.services import UserService\n\n"
        "from .helpers import slug\n\n\n"
        "def f():\n    pass\n"
    )


def test_a_new_section_gets_a_blank_line_on_each_side(project: Path) -> None:
    source = "import os\n\nfrom app import db\n"
    assert added(source, "from flask import Flask", root=project) == (
        "import os\n\nfrom flask import Flask\n\nfrom app import db\n"
    )


def test_first_block_statement_keeps_its_comment() -> None:
    source = "# Licence text.\n\n# the web framework\nfrom flask import Flask\n"
    assert added(source, "import logging") == (
        "# Licence text.\n\nimport logging\n\n# the web framework\nfrom flask import Flask\n"
    )


def test_comment_above_a_later_import_stays_with_it() -> None:
    source = "import os\n# system calls\nimport sys\n"
    assert added(source, "import re") == "import os\nimport re\n# system calls\nimport sys\n"


def test_relative_imports_furthest_first() -> None:
    source = "from flask import Flask\n\nfrom . import forms\n"
    assert added(source, "from ..services.job import JobService") == (
        "from flask import Flask\n\nfrom ..services.job import JobService\nfrom . import forms\n"
    )


def test_optional_import_blocks_are_never_split() -> None:
    source = (
        "import os\n\n"
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n\n"
        "from flask import Flask\n\napp = Flask(__name__)\n"
    )
    assert added(source, "import sys", "from sqlalchemy import select") == (
        "import os\nimport sys\n\n"
        "try:\n    import ujson as json\nexcept ImportError:\n    import json\n\n"
        "from flask import Flask\nfrom sqlalchemy import select\n\napp = Flask(__name__)\n"
    )


def test_first_import_after_docstring_future_and_dunders() -> None:
    source = '"""Doc."""\n\nfrom __future__ import annotations\n\n__all__ = ["f"]\n\n\ndef f():\n    pass\n'
    assert added(source, "import logging") == (
        '"""Doc."""\n\nfrom __future__ import annotations\n\n__all__ = ["f"]\n\n'
        "import logging\n\n\ndef f():\n    pass\n"
    )


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        pytest.param(
            '"""Doc."""\n\nimport os\nimport sys\n',
            '"""Doc."""\nimport sys\n',
            '"""Doc."""\n\nimport sys\n',
            id="first-import-removed",
        ),
        pytest.param(
            '"""Doc."""\n\n# sys\nimport os\nimport sys\n',
            '"""Doc."""\n# sys\nimport sys\n',
            '"""Doc."""\n\n# sys\nimport sys\n',
            id="comment-stays-below-the-gap",
        ),
        pytest.param(
            '"""Doc."""\nimport os\n',
            '"""Doc."""\nimport sys\n',
            '"""Doc."""\nimport sys\n',
            id="no-gap",
        ),
        pytest.param("import os\n\nx = 1\n", "x = 1\n", "x = 1\n", id="no-docstring"),
    ],
)
def test_the_gap_below_the_docstring_survives_a_removed_import(
    before: str, after: str, expected: str
) -> None:
    kept = keep_docstring_gap(cst.parse_module(before), cst.parse_module(after))
    assert kept.code == expected


def test_first_import_of_a_bare_module_spaces_the_code_after_it() -> None:
    assert added("x = 1\n", "import logging") == "import logging\n\nx = 1\n"
    assert added("def f():\n    pass\n", "import logging") == (
        "import logging\n\n\ndef f():\n    pass\n"
    )


def test_adding_twice_changes_nothing_more() -> None:
    once = added("import os\n", "from sqlalchemy import func, select", "import logging")
    assert added(once, "from sqlalchemy import select", "import logging") == once


def test_add_import_single_name(project: Path) -> None:
    module = add_import(cst.parse_module("import os\n"), "app.extensions", "db", root=project)
    assert module.code == "import os\n\nfrom app.extensions import db\n"


def test_first_party_names_for_modules_not_written_yet() -> None:
    module = add_imports(
        cst.parse_module("from flask import Flask\n"),
        ["from services.job import JobService"],
        first_party={"services"},
    )
    assert module.code == "from flask import Flask\n\nfrom services.job import JobService\n"


# --- queries and helpers -----------------------------------------------------------------------------------


def test_is_imported() -> None:
    module = cst.parse_module(
        "import logging\nfrom sqlalchemy import select as sel, func\n"
        "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n    from app import User\n"
    )
    assert is_imported(module, "logging")
    assert is_imported(module, "sqlalchemy", "func")
    assert is_imported(module, "sqlalchemy", "select", "sel")
    assert not is_imported(module, "sqlalchemy", "select")
    assert not is_imported(module, "app", "User")  # not there at run time


def test_section_of(project: Path) -> None:
    assert section_of("__future__") == FUTURE
    assert section_of("os.path") == STDLIB
    assert section_of("sqlalchemy.orm") == THIRD_PARTY
    assert section_of("app.models", project) == FIRST_PARTY
    assert section_of("settings", project) == FIRST_PARTY
    assert section_of("app.models") == THIRD_PARTY
    assert section_of("..models") == LOCAL_FOLDER


def test_format_imports_for_a_new_module(project: Path) -> None:
    lines = format_imports(
        [
            "from app.extensions import db",
            "from sqlalchemy.exc import IntegrityError",
            "from .models import Job",
            "import datetime",
            "from app.models import Job as JobModel, User",
        ],
        root=project,
    )
    assert lines == [
        "import datetime",
        "",
        "from sqlalchemy.exc import IntegrityError",
        "",
        "from app.extensions import db",
        "from app.models import Job as JobModel",
        "from app.models import User",
        "",
        "from .models import Job",
    ]
    assert format_imports([]) == []


def test_parse_imports() -> None:
    assert parse_imports("from ..a import b, c as d\nimport x.y as z\n") == [
        ImportSpec("..a", "b"),
        ImportSpec("..a", "c", "d"),
        ImportSpec("x.y", None, "z"),
    ]
    with pytest.raises(ValueError):
        parse_imports("x = 1\n")


def test_import_block_end() -> None:
    module = cst.parse_module(
        '"""Doc."""\nimport os\n\ntry:\n    import ujson\nexcept ImportError:\n    ujson = None\n'
        "import sys\n\nif TYPE_CHECKING:\n    import app\n\nx = 1\n"
    )
    assert import_block_end(module) == 4  # after `import sys`; the trailing `if` stays below


SET_UP_FIRST = (
    "import os\n\n"
    'os.environ["OAUTHLIB_RELAX_TOKEN_SCOPE"] = "1"\n\n'
    "import json\n\n"
    "from app.db import session\n\n\n"
    "def view():\n    return json.dumps(os.environ)\n"
)


def test_a_new_import_goes_below_the_set_up_code_the_later_imports_wait_for(project: Path) -> None:
    """``os.environ[...] = ...`` between imports is there for the imports below it: a new import,
    of whatever section, goes below it too, where it would not run before it."""
    after = added(SET_UP_FIRST, "from app.services.view_service import ViewService", root=project)
    assert after == SET_UP_FIRST.replace(
        "from app.db import session\n",
        "from app.db import session\nfrom app.services.view_service import ViewService\n",
    )
    stdlib = added(SET_UP_FIRST, "import sys", root=project)
    assert stdlib == SET_UP_FIRST.replace("import json\n", "import json\nimport sys\n")
    merged = added(SET_UP_FIRST, "from app.db import engine", root=project)
    assert merged == SET_UP_FIRST.replace("import session", "import engine, session")


def test_a_new_import_below_set_up_code_keeps_e402_quiet_as_its_neighbours_do(
    project: Path,
) -> None:
    """Imports below ``sys.path.insert(...)`` that carry ``# noqa: E402`` get a new neighbour
    with the same comment, also when it is wrapped (after its ``(``)."""
    source = (
        "import os\nimport sys\n\nsys.path.insert(0, os.getcwd())\n\n"
        "import fedora  # noqa:E402\nfrom app import models  # noqa: E402, F401\n"
    )
    after = added(source, "from sqlalchemy import select", root=project)
    assert "import fedora  # noqa:E402\nfrom sqlalchemy import select  # noqa:E402\n" in after
    long_name = "from sqlalchemy.orm import " + ", ".join(f"name_{i}" for i in range(12))
    wrapped = added(source.replace("# noqa:E402", "# noqa"), long_name, root=project)
    assert "from sqlalchemy.orm import (  # noqa: E402\n    name_0,\n" in wrapped
    plain = added(
        source.replace("  # noqa:E402", "").replace("  # noqa: E402, F401", ""), "import json"
    )
    assert "import json\n" in plain and "noqa" not in plain


def test_the_import_block_goes_on_past_set_up_code_to_the_last_import() -> None:
    module = cst.parse_module(SET_UP_FIRST)
    assert import_block_end(module) == 4  # after `from app.db import session`
    constants = cst.parse_module("import os\n\nLIMIT = 10\n\n\ndef f():\n    import sys\n")
    assert import_block_end(constants) == 1  # no import below the constant: it is code


def test_project_root() -> None:
    assert project_root("/work/repo/app/routes/jobs.py", "app/routes/jobs.py") == Path("/work/repo")


# --- line length and comments ---------------------------------------------------------------------------


def test_the_line_length_defaults_to_the_projects(tmp_path: Path) -> None:
    source = (
        "from sqlalchemy import and_, exists, false, literal, null, or_, select, true, update\n"
    )
    merged = "from sqlalchemy import and_, exists, false, func, literal, null, or_, select, true, update\n"
    assert len(merged) - 1 in range(89, 101)
    (tmp_path / "pyproject.toml").write_text("[tool.ruff]\nline-length = 100\n")
    module = add_imports(cst.parse_module(source), ["from sqlalchemy import func"], root=tmp_path)
    assert module.code == merged
    default = add_imports(cst.parse_module(source), ["from sqlalchemy import func"])
    assert default.code.startswith("from sqlalchemy import (\n    and_,\n")


def test_a_noqa_on_a_one_name_import_stays_on_that_name_when_wrapped() -> None:
    source = "from os import path  # noqa: F401\n"
    assert added(source, "from os import sep", line_length=20) == (
        "from os import (\n    path,  # noqa: F401\n    sep,\n)\n"
    )


def test_a_comment_on_a_several_names_import_goes_after_the_parenthesis() -> None:
    source = "from mod import alpha, gamma  # noqa: F401\n"
    assert added(source, "from mod import beta", line_length=20) == (
        "from mod import (  # noqa: F401\n    alpha,\n    beta,\n    gamma,\n)\n"
    )


def test_a_pragma_does_not_count_towards_the_width_but_other_comments_do() -> None:
    pragma = "from os import path  # noqa: F401\n"
    assert added(pragma, "from os import sep", line_length=24) == (
        "from os import path, sep  # noqa: F401\n"
    )
    described = "from os import path  # the path helpers\n"
    assert added(described, "from os import sep", line_length=24) == (
        "from os import (\n    path,  # the path helpers\n    sep,\n)\n"
    )


def test_a_comment_on_a_name_of_a_wrapped_import_stays_on_it() -> None:
    source = "from mod import (\n    alpha,  # noqa: F401\n    gamma,\n)\n"
    assert added(source, "from mod import beta") == (
        "from mod import (\n    alpha,  # noqa: F401\n    beta,\n    gamma,\n)\n"
    )


# --- blocks isort would reorder ---------------------------------------------------------------------------


def test_in_an_unsorted_block_a_new_import_goes_beside_its_package(project: Path) -> None:
    source = (
        "from fastapi import APIRouter\n"
        "from sqlalchemy import select\n"
        "from typing import List\n"
        "from app import crud\n"
    )
    assert added(source, "from sqlalchemy.ext.asyncio import AsyncSession", root=project) == (
        "from fastapi import APIRouter\n"
        "from sqlalchemy import select\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\n"
        "from typing import List\n"
        "from app import crud\n"
    )


def test_in_an_unsorted_block_the_package_keeps_its_own_order(project: Path) -> None:
    source = "from typing import List\nimport os\nfrom sqlalchemy import select\nfrom sqlalchemy.orm import Session\n"
    assert added(source, "from sqlalchemy.ext.asyncio import AsyncSession", root=project) == (
        "from typing import List\nimport os\nfrom sqlalchemy import select\n"
        "from sqlalchemy.ext.asyncio import AsyncSession\nfrom sqlalchemy.orm import Session\n"
    )


def test_in_an_unsorted_block_a_new_package_still_sorts_into_its_section(project: Path) -> None:
    source = "from typing import List\nimport os\n\nfrom app import crud\n"
    assert added(source, "from sqlalchemy import select", root=project) == (
        "from typing import List\nimport os\n\nfrom sqlalchemy import select\n\nfrom app import crud\n"
    )


def test_in_an_unsorted_block_a_relative_import_goes_beside_those_of_its_level(
    project: Path,
) -> None:
    # `from . import bp` before `from .. import db`: isort would reorder the block, so the sorted
    # position (before `from . import bp`, away from every `..` import) means nothing to a reader.
    source = (
        "from flask import redirect\n"
        "from . import bp\n"
        "from .. import db\n"
        "from ..models import Item\n"
        "from .forms import ItemForm\n"
    )
    assert added(source, "from ..services.item_service import ItemService", root=project) == (
        "from flask import redirect\n"
        "from . import bp\n"
        "from .. import db\n"
        "from ..models import Item\n"
        "from ..services.item_service import ItemService\n"
        "from .forms import ItemForm\n"
    )
    assert added(source, "from ..auth import login", root=project) == (
        "from flask import redirect\n"
        "from . import bp\n"
        "from .. import db\n"
        "from ..auth import login\n"
        "from ..models import Item\n"
        "from .forms import ItemForm\n"
    )
    assert added(source, "from .views import index", root=project) == (
        "from flask import redirect\n"
        "from . import bp\n"
        "from .. import db\n"
        "from ..models import Item\n"
        "from .forms import ItemForm\n"
        "from .views import index\n"
    )


def test_a_block_that_runs_its_sections_together_gets_no_blank_line(project: Path) -> None:
    source = (
        "from flask import redirect\n"
        "from flask_login import login_required\n"
        "from . import auth\n\n\n"
        "x = 1\n"
    )
    assert added(source, "from ..services.auth_service import AuthService", root=project) == (
        "from flask import redirect\n"
        "from flask_login import login_required\n"
        "from ..services.auth_service import AuthService\n"
        "from . import auth\n\n\n"
        "x = 1\n"
    )
    assert added(source, "from app.services import AuthService", root=project) == (
        "from flask import redirect\n"
        "from flask_login import login_required\n"
        "from app.services import AuthService\n"
        "from . import auth\n\n\n"
        "x = 1\n"
    )


def test_a_third_party_import_among_the_standard_librarys_keeps_the_groups_apart(
    project: Path,
) -> None:
    """timesketch keeps ``import yaml`` with ``import json``, and a blank line before each other
    group: ``from sqlalchemy import select`` ends the third-party group, not the first-party one."""
    source = (
        "import json\n"
        "import yaml\n\n"
        "from flask import request\n\n"
        "from app.models import db_session\n\n\n"
        "x = 1\n"
    )
    assert added(source, "from sqlalchemy import select", root=project) == (
        "import json\n"
        "import yaml\n\n"
        "from flask import request\n"
        "from sqlalchemy import select\n\n"
        "from app.models import db_session\n\n\n"
        "x = 1\n"
    )


def test_known_third_party_wins_over_a_folder_of_that_name(tmp_path: Path) -> None:
    """A library's repository holds its own package (``sqlmodel/``) beside the examples that
    import it as the installed library, and says so with ``known-third-party``."""
    (tmp_path / "sqlmodel").mkdir()
    (tmp_path / "docs_src/app").mkdir(parents=True)
    for folder in ("docs_src", "docs_src/app"):
        (tmp_path / folder / "__init__.py").write_text("")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.ruff.lint.isort]\nknown-third-party = ["sqlmodel", "fastapi"]\n'
    )
    route = tmp_path / "docs_src/app/main.py"
    first_party = first_party_packages(route, tmp_path)
    assert "sqlmodel" not in first_party and "docs_src" in first_party
    assert section_of("sqlmodel", tmp_path, first_party) == THIRD_PARTY
    assert section_of("docs_src.app.services", tmp_path, first_party) == FIRST_PARTY
    source = "from fastapi import FastAPI\nfrom sqlmodel import Session\n"
    assert added(
        source, "from docs_src.app.services.hero_service import HeroService", root=tmp_path
    ) == (
        "from fastapi import FastAPI\nfrom sqlmodel import Session\n\n"
        "from docs_src.app.services.hero_service import HeroService\n"
    )


def test_a_name_joins_an_import_sorted_by_name_alone_where_it_sorts() -> None:
    """A project whose isort does not order by type (ruff's ``order-by-type = false``) writes
    ``and_, Column, or_``: a new name goes where that order puts it, not after the classes."""
    module = cst.parse_module("from sqlalchemy import (\n    and_,\n    Column,\n    or_,\n)\n")
    added = add_imports(module, ["from sqlalchemy import select", "from sqlalchemy import Table"])
    assert added.code == (
        "from sqlalchemy import (\n    and_,\n    Column,\n    or_,\n    select,\n    Table,\n)\n"
    )
    default = cst.parse_module("from sqlalchemy import Column, and_\n")
    assert add_imports(default, ["from sqlalchemy import Table"]).code == (
        "from sqlalchemy import Column, Table, and_\n"
    )


def test_where_the_names_fit_both_orders_the_projects_isort_setting_decides(
    tmp_path: Path,
) -> None:
    module = cst.parse_module("from sqlalchemy import Column, Table\n")
    assert add_imports(module, ["from sqlalchemy import and_"], root=tmp_path).code == (
        "from sqlalchemy import Column, Table, and_\n"
    )
    configured = tmp_path / "configured"
    configured.mkdir()
    (configured / "pyproject.toml").write_text("[tool.ruff.lint.isort]\norder-by-type = false\n")
    assert add_imports(module, ["from sqlalchemy import and_"], root=configured).code == (
        "from sqlalchemy import and_, Column, Table\n"
    )


def test_a_project_that_combines_as_imports_gets_the_name_in_that_statement(
    tmp_path: Path,
) -> None:
    (tmp_path / "ruff.toml").write_text("[lint.isort]\ncombine-as-imports = true\n")
    module = cst.parse_module("from sqlalchemy import Column, Table as DBTable\n")
    assert add_imports(module, ["from sqlalchemy import Integer"], root=tmp_path).code == (
        "from sqlalchemy import Column, Integer, Table as DBTable\n"
    )
    default = add_imports(module, ["from sqlalchemy import Integer"], root=tmp_path / "x")
    assert default.code.count("from sqlalchemy import") == 2
