"""Positions in spec files, shared by the loaders, the Python front-end and the findings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Position:
    """A 1-based line and column in a file."""

    line: int
    column: int
