"""Renderers: a design and its findings in, bytes out. Writing files is archgen.files' job."""

from __future__ import annotations

import math
from collections.abc import Iterable

from archgen.analysis.compare import DesignDiff, call_name
from archgen.files import slugify
from archgen.findings import Finding
from archgen.model import Design
from archgen.render.check import LayoutMetrics, PictureCheck, check_layout, layout_metrics
from archgen.render.diagram import DEFAULT_DPI, Rendering, png_size, run_dot, to_dot
from archgen.render.mermaid import to_mermaid
from archgen.render.scene import Scene, build_scene, marks, view_slug
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
    max_pixels: int | None = None,
) -> Rendering:
    """Draw the design (or one of its views) in every format asked for; PNG and SVG come from one Graphviz layout.

    With `max_pixels`, a PNG larger than that is drawn again at the resolution that fits it.
    """
    wanted = [fmt for fmt in PICTURE_FORMATS if fmt in set(formats)]
    scene = build_scene(design, marks(findings, waived) if highlight else {}, view)
    files: dict[str, bytes] = {}
    warnings: list[str] = []
    if "mermaid" in wanted:
        files["mermaid"] = to_mermaid(scene, highlight).encode()
    files |= _exports(design if view is None else None, scene, wanted, highlight)
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
            fitting = _fitting_dpi(files.get("png", b""), dpi or DEFAULT_DPI, max_pixels)
            if fitting is not None:
                files["png"] = run_dot(source, ("png",), fitting, ids).files["png"]
    return Rendering({fmt: files[fmt] for fmt in wanted}, warnings)


def _fitting_dpi(png: bytes, dpi: int, max_pixels: int | None) -> int | None:
    """Return the resolution at which a PNG of more than `max_pixels` fits them, or None when it already does."""
    if not png or max_pixels is None:
        return None
    width, height = png_size(png)
    if width * height <= max_pixels:
        return None
    return max(1, math.floor(dpi * math.sqrt(max_pixels / (width * height))))


def _exports(design: Design | None, scene: Scene, wanted: Iterable[str], highlight: bool) -> dict[str, bytes]:
    """Write the editable (draw.io, Excalidraw, at archgen's layout) and the model exports (D2, LikeC4, Structurizr).

    The model exports of a whole design (`design` given) hold a view per design view too.
    """
    from archgen.render import d2, drawio, excalidraw, likec4, structurizr
    from archgen.render.placement import place

    files: dict[str, bytes] = {}
    wanted = set(wanted)
    placed = place(scene, highlight) if {"drawio", "excalidraw"} & wanted else None
    if "drawio" in wanted:
        files["drawio"] = drawio.to_drawio(scene, highlight, placed).encode()
    if "excalidraw" in wanted:
        files["excalidraw"] = excalidraw.to_excalidraw(scene, highlight, placed).encode()
    if "d2" in wanted:
        files["d2"] = d2.to_d2(scene, highlight).encode()
    if "likec4" in wanted:
        files["likec4"] = likec4.to_likec4(scene, highlight, design).encode()
    if "structurizr" in wanted:
        files["structurizr"] = structurizr.to_structurizr(scene, highlight, design).encode()
    return files


def measure_picture(
    design: Design, findings: Iterable[Finding] = (), *, waived: Iterable[Finding] = (), view: str | None = None
) -> tuple[PictureCheck, LayoutMetrics]:
    """Lay the design out as `render` would: the picture check, and the layout's metrics (one Graphviz run)."""
    layout = _layout(design, findings, waived, view)
    return check_layout(layout), layout_metrics(layout)


def check_picture(
    design: Design, findings: Iterable[Finding] = (), *, waived: Iterable[Finding] = (), view: str | None = None
) -> PictureCheck:
    """Lay the design out as `render` would and count its text overlaps, edges through text and clipped text."""
    return check_layout(_layout(design, findings, waived, view))


def _layout(design: Design, findings: Iterable[Finding], waived: Iterable[Finding], view: str | None) -> bytes:
    """Return Graphviz's layout of the picture `render` draws (`dot -Tjson`)."""
    return run_dot(to_dot(build_scene(design, marks(findings, waived), view)), ("json",)).files["json"]


def render_change(
    old: Design, new: Design, diff: DesignDiff, findings: Iterable[Finding], formats: Iterable[str]
) -> Rendering:
    """Draw `new` with what a change added in green, changed in amber, and removed as grey ghosts.

    A removed component is drawn where it was: beside the components it called and that called
    it, if they are still there. SPOF marks are the new design's, as in any picture.
    """
    import dataclasses

    status = {(c.kind, c.name): {"+": "added", "-": "removed", "~": "changed"}[c.action] for c in diff.changes}
    ghosts = {name: old.components[name] for kind, name in status if kind == "component" and name not in new.components}
    kept = set(new.components) | set(ghosts)
    ghost_parts = {
        name: component.model_copy(
            update={"calls": tuple(call for call in component.calls if set(call.targets) <= kept)}
        )
        for name, component in ghosts.items()
    }
    removed_calls = [
        (source, call)
        for source, component in old.components.items()
        for call in component.calls
        if status.get(("call", call_name(source, call.targets))) == "removed"
        and source in new.components
        and set(call.targets) <= kept
    ]
    components = dict(new.components) | ghost_parts
    for source, call in removed_calls:
        components[source] = components[source].model_copy(update={"calls": (*components[source].calls, call)})
    merged = new.model_copy(update={"components": components})
    scene = build_scene(merged, marks(findings))
    boxes = tuple(dataclasses.replace(box, change=status.get(("component", box.component))) for box in scene.boxes)
    links = tuple(
        dataclasses.replace(link, change=status.get(("call", call_name(link.source, [link.target]))))
        for link in scene.links
    )
    scene = dataclasses.replace(scene, boxes=boxes, links=links, title=f"{new.name}: the change")
    source = to_dot(scene)
    ids = slugify(new.name) + "--change"
    wanted = tuple(fmt for fmt in ("png", "svg", "json") if fmt in set(formats))
    return run_dot(source, wanted, None, ids)
