"""Positions in spec files, shared by the loaders, the Python front-end and the findings."""

from __future__ import annotations

from typing import NamedTuple


class Position(NamedTuple):
    """A 1-based line and column in a file."""

    line: int
    column: int
