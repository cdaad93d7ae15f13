"""What the CLI and tests call: load, validate, lint, estimate, render, build."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from archgen.config import Settings
from archgen.errors import SpecError
from archgen.loader import LoadedDesign, discover, load_design


def display_path(path: Path) -> str:
    """Return the path as users want to see it: relative to the working folder when inside it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative


def load_all(paths: Iterable[Path], settings: Settings) -> Iterator[LoadedDesign | SpecError]:
    """Load every spec under `paths`; yield each design, or the error that stopped it."""
    for path in discover(paths):
        try:
            yield load_design(path, allow_python=settings.python, file=display_path(path))
        except SpecError as error:
            yield error
