"""What the CLI and tests call: load, validate, lint, estimate, render, build."""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from archgen.analysis.capacity import Estimate, estimate
from archgen.config import Settings
from archgen.errors import ArchgenError, SpecError
from archgen.files import slug_taken, slugify, write_files
from archgen.findings import SEVERITY_RANK, Finding, Skipped
from archgen.loader import LoadedDesign, discover, load_design
from archgen.rules.engine import LintResult, check_codes, lint_design

if TYPE_CHECKING:
    pass


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


@dataclass
class RenderRun:
    """What `archgen render` wrote, what it warns about, and the specs that failed."""

    written: list[Path]
    warnings: list[str]
    errors: list[ArchgenError]


def render(
    paths: Iterable[Path],
    settings: Settings,
    output: Path,
    formats: Iterable[str],
    *,
    highlight: bool = True,
    dpi: int | None = None,
) -> RenderRun:
    """Lint and draw each spec under `paths` as `output/<slug>.<ext>`; its files land together or not at all."""
    from archgen.render import EXTENSIONS, render_design

    def draw(loaded: LoadedDesign, result: LintResult) -> tuple[dict[str, bytes], list[str]]:
        rendering = render_design(loaded.design, result.findings, formats, highlight=highlight, dpi=dpi)
        return {f".{EXTENSIONS[fmt]}": data for fmt, data in rendering.files.items()}, rendering.warnings

    return publish(paths, settings, output, draw)


def publish(
    paths: Iterable[Path],
    settings: Settings,
    output: Path,
    produce: Callable[[LoadedDesign, LintResult], tuple[dict[str, bytes], list[str]]],
) -> RenderRun:
    """Lint each spec under `paths`; write the files `produce` makes of it, by suffix, as `output/<slug><suffix>`."""
    run = RenderRun([], [], [])
    slugs: dict[str, str] = {}
    for loaded in load_all(paths, settings):
        try:
            if isinstance(loaded, SpecError):
                raise loaded
            slug = claim_slug(slugs, loaded)
            files, warnings = produce(loaded, lint_design(loaded, settings))
            run.written += write_files(output, {f"{slug}{suffix}": data for suffix, data in files.items()})
            run.warnings += [f"{loaded.file}: {warning}" for warning in warnings]
        except ArchgenError as error:
            run.errors.append(error)
    return run


def claim_slug(slugs: dict[str, str], loaded: LoadedDesign) -> str:
    """Return the slug naming a design's outputs; two designs may not share one."""
    slug = slugify(loaded.design.name)
    if slug in slugs:
        position = loaded.position("name")
        raise SpecError.at(
            loaded.file,
            position.line,
            position.column,
            slug_taken(slug, slugs[slug]),
        )
    slugs[slug] = loaded.file
    return slug


@dataclass(frozen=True)
class DesignEstimate:
    """A design's capacity inputs and what they imply; estimate None when it has no capacity section."""

    loaded: LoadedDesign
    estimate: Estimate | None

    def as_dict(self) -> dict[str, object]:
        """Return the estimate as the JSON format writes it: inputs and raw numbers (bytes, per second)."""
        capacity = self.loaded.design.capacity
        return {
            "design": self.loaded.design.name,
            "file": self.loaded.file,
            "inputs": capacity.model_dump(mode="json") if capacity else None,
            "estimate": dataclasses.asdict(self.estimate) if self.estimate else None,
        }


def estimate_all(paths: Iterable[Path], settings: Settings) -> tuple[list[DesignEstimate], list[SpecError]]:
    """Estimate the capacity of every spec under `paths`."""
    estimates: list[DesignEstimate] = []
    errors: list[SpecError] = []
    for loaded in load_all(paths, settings):
        if isinstance(loaded, SpecError):
            errors.append(loaded)
            continue
        capacity = loaded.design.capacity
        estimates.append(DesignEstimate(loaded, estimate(capacity) if capacity else None))
    return estimates, errors


def docs(paths: Iterable[Path], settings: Settings, output: Path, templates: Path | None = None) -> RenderRun:
    """Write each design's Markdown document as `output/<slug>.md`, its diagram inline as Mermaid."""
    from archgen.render.docs import Diagram, Templates
    from archgen.render.mermaid import to_mermaid
    from archgen.render.scene import build_scene, single_points_of_failure

    compiled = Templates(templates)

    def document(loaded: LoadedDesign, result: LintResult) -> tuple[dict[str, bytes], list[str]]:
        scene = build_scene(loaded.design, single_points_of_failure(result.findings))
        return {".md": compiled.design_doc(loaded, result.findings, Diagram(mermaid=to_mermaid(scene)))}, []

    return publish(paths, settings, output, document)
