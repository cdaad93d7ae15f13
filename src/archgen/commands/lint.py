"""`archgen validate` and `archgen lint`: load specs, check them, run the rules."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from archgen.config import Settings
from archgen.errors import ArchgenError, SpecError
from archgen.findings import LintOutcome
from archgen.loaded import LoadedDesign
from archgen.loader import load_all, load_model, load_text
from archgen.model import Design
from archgen.rules.engine import LintResult, check_codes, check_waiver_rules, lint_design

if TYPE_CHECKING:
    from archgen import dsl


@dataclass
class ValidateRun:
    """The specs that loaded, and the errors of those that did not."""

    designs: list[LoadedDesign] = field(default_factory=list)
    errors: list[ArchgenError] = field(default_factory=list)


@dataclass
class LintRun(LintOutcome):
    """The outcome of linting several specs: results per design and the specs that failed to load."""

    results: list[LintResult] = field(default_factory=list)
    errors: list[ArchgenError] = field(default_factory=list)
    #: What the result cache could not do (an entry it ignored, a link it would not write through).
    warnings: list[str] = field(default_factory=list)

    def per_design(self) -> list[LintResult]:
        """Return each design's result, in file order."""
        return self.results


def validate(paths: Iterable[Path], settings: Settings | None = None) -> ValidateRun:
    """Load and check every spec under `paths`, without running the rules."""
    settings = settings or Settings()
    run = ValidateRun()
    for loaded in load_all(paths, allow_python=settings.python):
        try:
            if isinstance(loaded, SpecError):
                raise loaded
            check_waiver_rules(loaded)  # the rule codes a spec names are part of the spec
            run.designs.append(loaded)
        except SpecError as error:
            run.errors.append(error)
    return run


def check_settings(settings: Settings) -> None:
    """Refuse rule codes in the settings that match no rule."""
    check_codes(settings.select, "select", settings.plugins)
    check_codes(settings.ignore, "ignore", settings.plugins)
    check_codes(settings.severity, "severity", settings.plugins)


def lint(
    paths: Iterable[Path],
    settings: Settings | None = None,
    today: datetime.date | None = None,
    *,
    cache: bool = False,
) -> LintRun:
    """Load and lint every spec under `paths`; with `cache`, keep each YAML spec's result for next time."""
    from archgen.lint_cache import CachedLint, LintCache

    settings = settings or Settings()
    check_settings(settings)
    run = LintRun()
    store = LintCache(settings, today) if cache else None
    for loaded in load_all(paths, allow_python=settings.python):
        try:
            if isinstance(loaded, SpecError):
                raise loaded
            result = lint_design(loaded, settings, today)
            run.results.append(result)
            run.errors += result.errors
            if store is not None and Path(loaded.file).suffix in (".yaml", ".yml") and not result.errors:
                entry = CachedLint(loaded.file, loaded.design.name, result.findings, result.skipped)
                store.put(store.key(loaded.file, loaded.digest), entry)
        except SpecError as error:
            run.errors.append(error)
    run.warnings = store.warnings if store is not None else []
    return run


def lint_loaded(
    design: LoadedDesign | Design | dsl.Design,
    settings: Settings | None = None,
    today: datetime.date | None = None,
) -> LintResult:
    """Lint one design held in memory: loaded, a model, or built with the Python front-end."""
    settings = settings or Settings()
    check_settings(settings)
    loaded = design if isinstance(design, LoadedDesign) else load_model(design)
    return lint_design(loaded, settings, today)


def lint_text(
    text: str | bytes, file: str = "<text>", settings: Settings | None = None, today: datetime.date | None = None
) -> LintResult:
    """Lint a YAML spec held in memory; positions in the findings refer to `file`."""
    return lint_loaded(load_text(text, file), settings, today)
