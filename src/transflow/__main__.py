"""``python -m transflow``: the same as the ``transflow`` command."""

from .cli import main

main()
