"""Imports sorted by the project's own isort, where the project runs isort (backfix.isort_pass)."""

from __future__ import annotations

from pathlib import Path

import isort
import pytest

from backfix.formatting import format_changes
from backfix.isort_pass import runs_isort, sort_imports
from backfix.results import FileChange

#: a route module isort leaves as it is (its defaults: 79 columns, grid wrapping)
ROUTE = """\
from flask import Blueprint, jsonify

from app.models import (Account, Invoice, InvoiceLine, Payment, Refund,
                        Subscription)

bp = Blueprint("billing", __name__)
"""
#: the same module after a fix took names out and added an import at the end of the block
FIXED = """\
from flask import Blueprint, jsonify

from app.models import (Account, Invoice,
                        Subscription)
from app.services.billing_service import BillingService

bp = Blueprint("billing", __name__)
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    (tmp_path / ".git").mkdir()
    for rel, text in {"app/__init__.py": "", "app/models.py": "", **files}.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".isort.cfg": "[settings]\nline_length = 100\n"}, True),
        ({"pyproject.toml": "[tool.isort]\nprofile = 'black'\n"}, True),
        ({"setup.cfg": "[tool:isort]\nmulti_line_output = 3\n"}, True),
        ({".github/workflows/lint.yml": "    - run: |\n        isort . --check-only\n"}, True),
        ({".pre-commit-config.yaml": "-   repo: https://github.com/pycqa/isort\n"}, True),
        ({"Makefile": "lint:\n\tpython -m isort --check app\n"}, True),
        ({"pyproject.toml": "[tool.ruff.lint]\nselect = ['I']\n"}, False),
        # an isort table left from before the project moved to ruff's own isort rules
        (
            {
                "pyproject.toml": "[tool.isort]\nprofile = 'black'\n[tool.ruff.lint]\nselect = ['E', 'I']\n"
            },
            False,
        ),
        (
            {
                "pyproject.toml": "[tool.isort]\nprofile = 'black'\n[tool.ruff.lint]\nselect = ['I']\n",
                ".pre-commit-config.yaml": "-   repo: https://github.com/pycqa/isort\n",
            },
            True,
        ),
        (
            {
                "pyproject.toml": "[tool.isort]\nprofile = 'black'\n[tool.ruff.lint]\nselect = ['E']\n"
            },
            True,
        ),
        ({"requirements.txt": "isort==5.13.2\n"}, False),
        ({}, False),
    ],
)
def test_a_project_runs_isort_where_it_configures_or_runs_it(
    tmp_path: Path, files: dict[str, str], expected: bool
) -> None:
    root = _project(tmp_path, files)
    assert runs_isort(root / "app") is expected


def test_a_changed_file_isort_left_alone_before_is_sorted_as_isort_sorts_it(
    tmp_path: Path,
) -> None:
    """The import the fix shortened fits on one line again and is joined, as isort joins it."""
    root = _project(tmp_path, {".isort.cfg": "[settings]\n", "app/routes.py": ROUTE})
    path = root / "app/routes.py"
    change = FileChange("app/routes.py", str(path), ROUTE.encode(), FIXED.encode())
    sorted_change, problem = sort_imports(change, root)
    assert problem == ""
    text = sorted_change.after.decode()
    assert "from app.models import Account, Invoice, Subscription\n" in text
    assert isort.check_code(text, config=isort.Config(settings_path=str(root), src_paths=(root,)))


def test_settings_an_older_isort_had_are_left_out_and_the_rest_sorts(tmp_path: Path) -> None:
    """A ``setup.cfg`` written for isort 4 (``not_skip``, which isort 5 refuses) still sorts with
    its other settings (a first-party package, a section of its own), and says what it left out."""
    config = (
        "[isort]\nline_length = 100\nnot_skip = __init__.py\nknown_first_party = app\n"
        "known_web = flask\nsections = FUTURE,STDLIB,WEB,THIRDPARTY,FIRSTPARTY,LOCALFOLDER\n"
    )
    before = (
        "import os\n\nfrom flask import Blueprint\n\nimport requests\n\nfrom app import models\n"
    )
    after = before + "from app.services.billing import BillingService\nimport jinja2\n"
    root = _project(tmp_path, {"setup.cfg": config, "app/routes.py": before})
    path = root / "app/routes.py"
    change = FileChange("app/routes.py", str(path), before.encode(), after.encode())
    sorted_change, problem = sort_imports(change, root)
    assert sorted_change.after.decode() == (
        "import os\n\nfrom flask import Blueprint\n\nimport jinja2\nimport requests\n\n"
        "from app import models\nfrom app.services.billing import BillingService\n"
    )
    assert "`not_skip`" in problem and "an older isort's" in problem


def test_a_subprojects_packages_are_first_party_where_its_isort_configuration_is(
    tmp_path: Path,
) -> None:
    """conda-store keeps its server and its isort settings in ``conda-store-server/``: isort,
    run there, counts ``conda_store_server`` as first party, and a new third-party import goes
    with the third-party ones."""
    before = (
        "from unittest import mock\n\nimport pytest\n\n"
        "from store_server import api\nfrom store_server._internal import orm\n"
    )
    after = before + "from sqlalchemy import select\n"
    root = _project(
        tmp_path,
        {
            "store-server/pyproject.toml": "[tool.isort]\nprofile = 'black'\n",
            "store-server/store_server/__init__.py": "",
            "store-server/tests/__init__.py": "",
            "store-server/tests/test_orm.py": before,
        },
    )
    path = root / "store-server/tests/test_orm.py"
    change = FileChange(
        "store-server/tests/test_orm.py", str(path), before.encode(), after.encode()
    )
    sorted_change, problem = sort_imports(change, root)
    assert problem == ""
    assert sorted_change.after.decode() == before.replace(
        "import pytest\n", "import pytest\nfrom sqlalchemy import select\n"
    )


def test_a_file_isort_would_have_changed_before_is_left_as_the_fix_wrote_it(
    tmp_path: Path,
) -> None:
    unsorted = ROUTE.replace("from flask import Blueprint, jsonify\n", "import sys\nimport os\n")
    fixed = FIXED.replace("from flask import Blueprint, jsonify\n", "import sys\nimport os\n")
    root = _project(tmp_path, {".isort.cfg": "[settings]\n", "app/routes.py": unsorted})
    change = FileChange(
        "app/routes.py", str(root / "app/routes.py"), unsorted.encode(), fixed.encode()
    )
    assert sort_imports(change, root) == (change, "")


def test_a_new_file_is_sorted_with_the_projects_settings(tmp_path: Path) -> None:
    """A new service module in a folder that does not exist yet: isort's settings come from the
    project, and its own package is first-party (a section of its own)."""
    root = _project(tmp_path, {"setup.cfg": "[isort]\nforce_single_line = true\n"})
    new = '"""Billing service."""\n\nfrom app.models import Account, Invoice\nimport logging\n'
    path = root / "app/services/billing_service.py"
    change = FileChange("app/services/billing_service.py", str(path), None, new.encode())
    sorted_change, problem = sort_imports(change, root)
    assert problem == ""
    assert sorted_change.after.decode() == (
        '"""Billing service."""\n\n'
        "import logging\n\n"
        "from app.models import Account\n"
        "from app.models import Invoice\n"
    )


def test_a_project_without_isort_keeps_the_fixs_imports(tmp_path: Path) -> None:
    root = _project(tmp_path, {"app/routes.py": ROUTE})
    change = FileChange(
        "app/routes.py", str(root / "app/routes.py"), ROUTE.encode(), FIXED.encode()
    )
    assert sort_imports(change, root) == (change, "")


def test_the_format_pass_sorts_imports_and_keeps_format_false(tmp_path: Path) -> None:
    root = _project(tmp_path, {".isort.cfg": "[settings]\n", "app/routes.py": ROUTE})
    change = FileChange(
        "app/routes.py", str(root / "app/routes.py"), ROUTE.encode(), FIXED.encode()
    )
    (formatted,), _ = format_changes([change], None, root=root)
    assert b"from app.models import Account, Invoice, Subscription\n" in formatted.after
    (kept,), _ = format_changes([change], False, root=root)
    assert kept is change


PRECOMMIT = """\
repos:
  - repo: https://github.com/PyCQA/isort
    rev: 5.13.2
    hooks:
      - id: isort
        args:
          - --profile=black
          - --lines-after-imports=2
  - repo: https://github.com/psf/black
    rev: 24.1.0
    hooks:
      - id: black
"""


def test_the_options_of_the_projects_isort_hook_count(tmp_path: Path) -> None:
    """``--profile=black`` given to the pre-commit hook wraps as black does, not in isort's
    default grid (which black would then reformat)."""
    root = _project(tmp_path, {".pre-commit-config.yaml": PRECOMMIT})
    new = (
        "from app.models import Account, Invoice, InvoiceLine, Payment, Refund, Subscription, TaxRate\n"
        "class BillingService:\n    pass\n"
    )
    path = root / "app/services/billing_service.py"
    change = FileChange("app/services/billing_service.py", str(path), None, new.encode())
    sorted_change, problem = sort_imports(change, root)
    assert problem == ""
    assert sorted_change.after.decode() == (
        "from app.models import (\n"
        "    Account,\n    Invoice,\n    InvoiceLine,\n    Payment,\n    Refund,\n"
        "    Subscription,\n    TaxRate,\n)\n\n\n"
        "class BillingService:\n    pass\n"
    )


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".pre-commit-config.yaml": PRECOMMIT}, {"profile": "black", "lines_after_imports": 2}),
        (
            {".pre-commit-config.yaml": "  - id: isort\n    args: ['--line-length', '100']\n"},
            {"line_length": 100},
        ),
        (
            {"Makefile": "lint:\n\tisort --check-only --profile google src tests\n"},
            {"profile": "google"},
        ),
        ({"tox.ini": "[testenv:lint]\ncommands = isort --no-such-option .\n"}, {}),
        ({}, {}),
    ],
)
def test_command_line_options(
    tmp_path: Path, files: dict[str, str], expected: dict[str, object]
) -> None:
    from backfix.isort_pass import command_options

    root = _project(tmp_path, files)
    assert command_options(root / "app") == expected


def test_nothing_is_printed_for_a_file_isort_would_change(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unsorted = "import sys\nimport os\n"
    root = _project(tmp_path, {".isort.cfg": "[settings]\n", "app/routes.py": unsorted})
    change = FileChange(
        "app/routes.py",
        str(root / "app/routes.py"),
        unsorted.encode(),
        b"import sys\nimport os\nx = 1\n",
    )
    assert sort_imports(change, root) == (change, "")
    assert capsys.readouterr() == ("", "")


def test_isort_is_loaded_before_threads_sort_files_and_only_where_a_project_runs_it(
    tmp_path: Path,
) -> None:
    """Threads importing isort for the first time at once could find a module half initialised
    and leave a file unsorted (``module 'isort.settings' has no attribute 'DEFAULT_CONFIG'``):
    the format pass loads it first, in its own thread; a project without isort never loads it."""
    import subprocess
    import sys

    (tmp_path / "plain").mkdir()
    (tmp_path / "sorted").mkdir()
    plain = _project(tmp_path / "plain", {"app/routes.py": ROUTE})
    sorted_ = _project(tmp_path / "sorted", {".isort.cfg": "[settings]\n", "app/routes.py": ROUTE})
    script = (
        "import sys\n"
        "from backfix.isort_pass import load_isort\n"
        "from backfix.results import FileChange\n"
        "root = sys.argv[1]\n"
        "load_isort([FileChange('app/routes.py', root + '/app/routes.py', b'', b'')])\n"
        "print(sorted(m for m in ('isort.main', 'isort.settings') if m in sys.modules))\n"
    )
    loaded = {
        name: subprocess.run(
            [sys.executable, "-c", script, str(root)], capture_output=True, text=True, check=True
        ).stdout.strip()
        for name, root in (("plain", plain), ("sorted", sorted_))
    }
    assert loaded == {"plain": "[]", "sorted": "['isort.main', 'isort.settings']"}
