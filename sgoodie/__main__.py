"""`python -m sgoodie ...` is the `sgoodie` command."""

from .cli import main

main()
