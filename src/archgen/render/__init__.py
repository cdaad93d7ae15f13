"""Renderers: a design and its findings in, bytes out. Writing files is archgen.files' job."""

from __future__ import annotations

from collections.abc import Iterable

from archgen.files import slugify
from archgen.findings import Finding
from archgen.model import Design
from archgen.render.check import PictureCheck, check_layout
from archgen.render.diagram import Rendering, run_dot, to_dot
from archgen.render.mermaid import to_mermaid
from archgen.render.scene import build_scene, marks, view_slug
from archgen.vocabulary import PICTURE_FORMATS


def render_design(
    design: Design,
    findings: Iterable[Finding],
    formats: Iterable[str],
    *,
    highlight: bool = True,
    dpi: int | None = None,
    waived: Iterable[Finding] = (),
    view: str | None = None,
) -> Rendering:
    """Draw the design (or one of its views) in every format asked for; PNG and SVG come from one Graphviz layout."""
    wanted = [fmt for fmt in PICTURE_FORMATS if fmt in set(formats)]
    scene = build_scene(design, marks(findings, waived) if highlight else {}, view)
    files: dict[str, bytes] = {}
    warnings: list[str] = []
    if "mermaid" in wanted:
        files["mermaid"] = to_mermaid(scene, highlight).encode()
    laid_out = tuple(fmt for fmt in wanted if fmt in ("png", "svg"))
    if "dot" in wanted or laid_out:
        source = to_dot(scene, highlight)
        if "dot" in wanted:
            files["dot"] = source.encode()
        if laid_out:
            ids = slugify(design.name) + (f"--{view_slug(view)}" if view else "")
            rendering = run_dot(source, laid_out, dpi, ids)
            files.update(rendering.files)
            warnings += rendering.warnings
    return Rendering({fmt: files[fmt] for fmt in wanted}, warnings)


def check_picture(
    design: Design, findings: Iterable[Finding] = (), *, waived: Iterable[Finding] = (), view: str | None = None
) -> PictureCheck:
    """Lay the design out as `render` would and count its text overlaps, edges through text and clipped text."""
    source = to_dot(build_scene(design, marks(findings, waived), view))
    return check_layout(run_dot(source, ("json",)).files["json"])
