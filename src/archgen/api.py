"""What the CLI and tests call: load, validate, lint, estimate, render, build."""

from __future__ import annotations

import datetime
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from archgen.config import Settings
from archgen.errors import SpecError
from archgen.findings import SEVERITY_RANK, Finding, Skipped
from archgen.loader import LoadedDesign, discover, load_design
from archgen.rules.engine import LintResult, check_codes, lint_design


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


@dataclass
class LintRun:
    """The outcome of linting several specs: results per design and the specs that failed to load."""

    results: list[LintResult]
    errors: list[SpecError]

    @property
    def findings(self) -> list[Finding]:
        """Return every finding, in file order."""
        return [finding for result in self.results for finding in result.findings]

    @property
    def skipped(self) -> list[Skipped]:
        """Return every skipped rule."""
        return [skip for result in self.results for skip in result.skipped]

    def exit_code(self, fail_on: str) -> int:
        """Return 2 when a spec failed to load, 1 when a finding is at or above `fail_on`, else 0."""
        if self.errors:
            return 2
        threshold = SEVERITY_RANK[fail_on]
        return 1 if any(SEVERITY_RANK[finding.severity] >= threshold for finding in self.findings) else 0


def lint(paths: Iterable[Path], settings: Settings, today: datetime.date | None = None) -> LintRun:
    """Load and lint every spec under `paths`."""
    check_codes(settings.select, "select")
    check_codes(settings.ignore, "ignore")
    check_codes(settings.severity, "severity")
    run = LintRun([], [])
    for loaded in load_all(paths, settings):
        if isinstance(loaded, SpecError):
            run.errors.append(loaded)
            continue
        try:
            run.results.append(lint_design(loaded, settings, today))
        except SpecError as error:
            run.errors.append(error)
    return run
