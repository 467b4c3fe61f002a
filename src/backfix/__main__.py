"""``python -m backfix`` runs the ``codemod`` command."""

from backfix.cli import main

main()
