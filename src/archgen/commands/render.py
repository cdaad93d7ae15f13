"""`archgen render`: draw each design into a folder as `<slug>.<ext>`; also the shared publishing loop."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archgen.commands.lint import check_settings
from archgen.config import Settings
from archgen.errors import ArchgenError, RenderError, SpecError
from archgen.files import slug_taken, slugify, write_files
from archgen.loaded import LoadedDesign
from archgen.loader import load_all
from archgen.model import Direction
from archgen.render.check import LayoutMetrics, PictureCheck
from archgen.rules.engine import LintResult, lint_design
from archgen.vocabulary import PICTURE_EXTENSIONS, PictureFormat

#: What a publishing command makes of one linted design: files by suffix, and warnings.
Produce = Callable[[LoadedDesign, LintResult], tuple[dict[str, bytes], list[str]]]


@dataclass
class WriteRun:
    """What a command wrote, what it warns about, and the specs that failed."""

    written: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    errors: list[ArchgenError] = field(default_factory=list)


def render(
    paths: Iterable[Path],
    output: Path,
    formats: Iterable[PictureFormat] = ("png", "svg"),
    settings: Settings | None = None,
    *,
    highlight: bool = True,
    dpi: int | None = None,
    views: Iterable[str] = (),
    directions: Iterable[Direction] = (),
) -> WriteRun:
    """Lint and draw each spec under `paths` as `output/<slug>.<ext>`; its files land together or not at all.

    With `views` (`flow:NAME`, `group:TITLE`), draw only those parts of each design, as `<slug>--<view>.<ext>`.
    `directions` (LR, TB) override the spec's layout; asked for both, the files say which: `<slug>--tb.<ext>`.
    """
    from archgen.render import render_design
    from archgen.render.scene import view_slug

    chosen: list[Direction | None] = list(dict.fromkeys(directions)) or [None]

    def draw(loaded: LoadedDesign, result: LintResult) -> tuple[dict[str, bytes], list[str]]:
        files: dict[str, bytes] = {}
        warnings: list[str] = []
        for direction in chosen:
            design = loaded.design
            if direction is not None:
                design = design.model_copy(update={"layout": design.layout.model_copy(update={"direction": direction})})
            for view in views or (None,):
                rendering = render_design(
                    design, result.findings, formats, highlight=highlight, dpi=dpi, waived=result.waived, view=view
                )
                stem = f"--{view_slug(view)}" if view else ""
                stem += f"--{direction.lower()}" if direction and len(chosen) > 1 else ""
                files |= {f"{stem}.{PICTURE_EXTENSIONS[fmt]}": data for fmt, data in rendering.files.items()}
                warnings += rendering.warnings
        return files, warnings

    return publish(paths, settings or Settings(), output, draw)


@dataclass(frozen=True)
class Measured:
    """One picture measured: the spec, the direction and view drawn, its check and its layout's metrics."""

    source: str
    direction: str
    view: str | None
    check: PictureCheck
    metrics: LayoutMetrics


def measure(
    paths: Iterable[Path],
    settings: Settings | None = None,
    *,
    views: Iterable[str] = (),
    directions: Iterable[Direction] = (),
) -> tuple[list[Measured], list[ArchgenError]]:
    """Lay out each design under `paths` as `render` would and measure it (`render --check`): nothing is written.

    Returns the measurements and the specs that failed to load.
    """
    from archgen.commands.lint import lint
    from archgen.render import measure_picture

    settings = settings or Settings()
    run = lint(paths, settings)
    found: list[Measured] = []
    for result in run.results:
        design = result.loaded.design
        for direction in list(dict.fromkeys(directions)) or [design.layout.direction]:
            drawn = design.model_copy(update={"layout": design.layout.model_copy(update={"direction": direction})})
            for view in views or (None,):
                check, metrics = measure_picture(drawn, result.findings, waived=result.waived, view=view)
                found.append(Measured(result.loaded.file, direction, view, check, metrics))
    return found, run.errors


def publish(paths: Iterable[Path], settings: Settings, output: Path, produce: Produce) -> WriteRun:
    """Lint each spec under `paths`; write the files `produce` makes of it, by suffix, as `output/<slug><suffix>`."""
    check_settings(settings)
    run = WriteRun()
    slugs: dict[str, str] = {}
    for loaded in load_all(paths, allow_python=settings.python):
        try:
            if isinstance(loaded, SpecError):
                raise loaded
            slug = claim_slug(slugs, loaded)
            result = lint_design(loaded, settings)
            try:
                files, warnings = produce(loaded, result)
                run.written += write_files(output, {f"{slug}{suffix}": data for suffix, data in files.items()})
            except RenderError as error:  # name the design that could not be drawn or written
                position = loaded.position("name")
                raise SpecError.at(loaded.file, position.line, position.column, str(error)) from None
            run.warnings += [f"{loaded.file}: {warning}" for warning in warnings]
        except ArchgenError as error:
            run.errors.append(error)
    return run


def claim_slug(slugs: dict[str, str], loaded: LoadedDesign) -> str:
    """Return the slug naming a design's outputs; two designs may not share one."""
    slug = slugify(loaded.design.name)
    if slug in slugs:
        position = loaded.position("name")
        raise SpecError.at(loaded.file, position.line, position.column, slug_taken(slug, slugs[slug]))
    slugs[slug] = loaded.file
    return slug
