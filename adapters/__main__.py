"""Run ``python -m adapters`` as the ``jalur`` command."""

from adapters.launcher import main

main()
