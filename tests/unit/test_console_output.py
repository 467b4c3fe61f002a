"""Piped output is plain text written as is, without loading rich; a terminal (or forced colour)
gets rich's colour."""

from __future__ import annotations

import os
import subprocess
import sys

SCRIPT = (
    "import sys\n"
    "from backfix import console\n"
    "console.stdout.print('a.py:1:1: [x] done\\tok', style='red')\n"
    "console.stderr.print('warning: late', style='yellow', end='!\\n')\n"
    "print('rich' in sys.modules)\n"
)


def _run(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    return subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        env={**clean, **env},
        check=True,
    )


def test_piped_output_is_the_plain_text_and_rich_is_not_loaded() -> None:
    done = _run()
    assert done.stdout == "a.py:1:1: [x] done\tok\nFalse\n"
    assert done.stderr == "warning: late!\n"


def test_forced_colour_prints_through_rich() -> None:
    done = _run(FORCE_COLOR="1")
    assert "\x1b[" in done.stdout and "a.py:1:1: [x] done" in done.stdout
    assert done.stdout.endswith("True\n")
