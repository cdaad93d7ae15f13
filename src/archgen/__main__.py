"""Run archgen as `python -m archgen`."""

from archgen.cli import run

run()
