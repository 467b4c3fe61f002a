"""The built-in codemods, one module each.

In a source checkout or an editable install they live in the top-level ``codemods/`` folder; a built
wheel carries them inside this package. ``__path__`` points at whichever exists, so classes pickle under
one stable module name (``backfix.builtin_codemods.<module>``) in every worker process.
"""

from pathlib import Path

_checkout = Path(__file__).resolve().parents[3] / "codemods"
if _checkout.is_dir() and (Path(__file__).resolve().parents[1] / "cli.py").is_file():
    __path__ = [str(_checkout)]
