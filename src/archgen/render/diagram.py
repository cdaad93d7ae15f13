"""Pictures through mingrammer's `diagrams` and a single Graphviz run: DOT, PNG and SVG.

This is the only module that imports `diagrams`. It borrows the package's Diagram,
Cluster, Node and Edge and its icon catalogue, but never lets it render: `diagrams`
runs `dot` once per format, shows the result, names files after the title and writes
absolute icon paths. We take its DOT source instead, with icon paths relative to the
catalogue, and run `dot` ourselves once for every format asked for.
"""

from __future__ import annotations

import base64
import importlib
import os
import re
import shutil
import struct
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from archgen.errors import RenderError
from archgen.icons import ENGINE_ICONS, ROLE_ICONS, engine_key
from archgen.render.scene import Box, Link, Scene

# One point, one pixel: legible text, and a quarter less PNG area (and time) than Graphviz's 96 dpi.
DEFAULT_DPI = 72
DOT_TIMEOUT_SECONDS = 900
INSTALL_HINT = (
    "Graphviz's `dot` was not found on PATH; install Graphviz "
    "(apt-get install graphviz, dnf install graphviz, brew install graphviz or choco install graphviz)"
)
# Graphviz reads these and then refuses to load icons from anywhere else.
IGNORED_ENVIRONMENT = ("SERVER_NAME", "GV_FILE_PATH")

GRAPH_ATTRS = {
    "pad": "0.3",
    # Spline routing: orthogonal routing ignores edge labels and costs 30x the layout time on large designs.
    "splines": "spline",
    "newrank": "true",
    "outputorder": "edgesfirst",
    "fontsize": "20",
    "labelloc": "t",
    "labeljust": "l",
}
# Icons sit at the top of their box and the label below them, so the two never overlap.
# Labels may be wider than their icon, so the gap across a rank's direction is the roomier one:
# between ranks in LR (labels side by side), between nodes of a rank in TB.
SPACING = {"LR": {"nodesep": "0.25", "ranksep": "0.9"}, "TB": {"nodesep": "0.6", "ranksep": "0.5"}}
# Edges leave and enter a box on the sides facing along the flow, at the height of the icon,
# so an arrow never runs into the lines of text under it.
PORTS = {"LR": {"tailport": "e", "headport": "w"}, "TB": {"tailport": "s", "headport": "n"}}
NODE_ATTRS = {"width": "1.2", "fontsize": "12", "imagepos": "tc"}
ICON_HEIGHT = 1.25
EDGE_ATTRS = {"fontsize": "11", "arrowsize": "0.8"}
EDGE_STYLES = {
    "sync": {"style": "solid"},
    "async": {"style": "dashed"},
    "optional": {"style": "dotted", "penwidth": "1.5"},
    "replication": {"style": "dashed", "color": "#8E6CBF", "fontcolor": "#8E6CBF", "arrowhead": "none"},
}
LEGEND_ROWS = {
    style: f'<TR><TD><FONT COLOR="{color}">{sample}</FONT></TD><TD ALIGN="LEFT">{text}</TD></TR>'
    for style, sample, color, text in (
        ("sync", "───────▶", "#7B8894", "sync call"),
        ("async", "─ ─ ─ ─ ▶", "#7B8894", "async call (queued)"),
        ("optional", "··········▶", "#7B8894", "optional call"),
        ("replication", "─ ─ ─ ─ ─", "#8E6CBF", "replication"),
        ("alternative", "───────▷", "#7B8894", "one of (any_of)"),
    )
}
SPOF_COLOR = "#D62828"
SPOF_ATTRS = {"shape": "box", "style": "rounded,bold", "color": SPOF_COLOR, "penwidth": "3", "fontcolor": SPOF_COLOR}
LINE_HEIGHT = 0.22


@dataclass
class Rendering:
    """The bytes of each format, and what the user should know about them."""

    files: dict[str, bytes]
    warnings: list[str] = field(default_factory=list)


def icon_root() -> Path:
    """Return the folder the icon paths in our DOT are relative to (pass it as `-Gimagepath`)."""
    import diagrams

    return Path(diagrams.__file__).resolve().parent.parent


def icon_class(box: Box) -> type[Any]:
    """Return the diagrams Node class drawing a box: by engine when known, else by role."""
    name = ENGINE_ICONS.get(engine_key(box.engine)) or ROLE_ICONS[box.kind]
    module, _, class_name = name.rpartition(".")
    node_class: type[Any] = getattr(importlib.import_module(f"diagrams.{module}"), class_name)
    return node_class


def dot_text(text: str) -> Any:
    """Quote text for a DOT label: backslashes and quotes escaped, never read as HTML."""
    from graphviz import nohtml

    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\r\n", "\n").replace("\n", "\\n")
    return nohtml(escaped)


def to_dot(scene: Scene, highlight: bool = True) -> str:
    """Draw the scene with diagrams' classes; return the DOT source, identical for identical scenes."""
    import diagrams

    class Canvas(diagrams.Diagram):  # type: ignore[misc]
        """A Diagram that never renders, opens or deletes files when its block ends."""

        def __exit__(self, *exc_info: object) -> None:
            diagrams.setdiagram(None)

    graph_attrs = {
        **GRAPH_ATTRS,
        **SPACING[scene.direction],
        "label": dot_text(scene.title),
        "rankdir": scene.direction,
    }
    edge_attrs = {**EDGE_ATTRS, **PORTS[scene.direction]}
    canvas = Canvas(name="", show=False, graph_attr=graph_attrs, node_attr=NODE_ATTRS, edge_attr=edge_attrs)
    canvas.dot.name = "archgen"
    nodes: dict[str, Any] = {}
    with canvas:
        for box in scene.boxes:
            if box.group is None:
                nodes[box.id] = _node(box, highlight)
        for index, title in enumerate(scene.groups):
            cluster = diagrams.Cluster(label="", graph_attr={"label": dot_text(title)})
            # diagrams names a cluster after its title, which would merge two groups of the same title.
            cluster.dot.name = f"cluster_{index}"
            with cluster:
                for box in scene.boxes:
                    if box.group == index:
                        nodes[box.id] = _node(box, highlight)
        for link in scene.links:
            nodes[link.source] >> diagrams.Edge(**_edge_attrs(link)) >> nodes[link.target]
        _legend(canvas, scene, highlight)
    source: str = canvas.dot.source
    return source


def _node(box: Box, highlight: bool) -> Any:
    lines = [box.title, *box.details]
    spof = highlight and box.spof
    if spof:
        lines.append("SPOF")
    text = "\n".join(lines)
    node_class = icon_class(box)
    attrs: dict[str, str] = {
        "image": f"{node_class._icon_dir}/{node_class._icon}",
        "height": f"{ICON_HEIGHT + LINE_HEIGHT * (text.count(chr(10)) + 1):.2f}",
    }
    if spof:
        attrs.update(SPOF_ATTRS)
    return node_class(dot_text(text), nodeid=box.id, **attrs)


def _edge_attrs(link: Link) -> dict[str, Any]:
    attrs: dict[str, Any] = {**EDGE_ATTRS, **EDGE_STYLES[link.style]}
    if link.label:
        attrs["label"] = dot_text(link.label)
    if link.alternative:
        attrs["arrowhead"] = "empty"
    return attrs


def _legend(canvas: Any, scene: Scene, highlight: bool) -> None:
    """Add a small legend for the edge styles the scene uses and for the highlight.

    It is a node of its own, connected to nothing, so Graphviz puts it in the first rank, by the entry points.
    """
    rows = [LEGEND_ROWS[style] for style in LEGEND_ROWS if any(link.style == style for link in scene.links)]
    if any(link.alternative for link in scene.links):
        rows.append(LEGEND_ROWS["alternative"])
    if highlight and scene.has_spof:
        rows.append(
            f'<TR><TD BORDER="2" COLOR="{SPOF_COLOR}"><FONT COLOR="{SPOF_COLOR}">SPOF</FONT></TD>'
            '<TD ALIGN="LEFT">single point of failure</TD></TR>'
        )
    if not rows:
        return
    table = (
        '<<TABLE BORDER="1" COLOR="#AEB6BE" CELLBORDER="0" CELLSPACING="2" CELLPADDING="3" STYLE="ROUNDED">'
        f'<TR><TD COLSPAN="2" ALIGN="LEFT"><B>Legend</B></TD></TR>{"".join(rows)}</TABLE>>'
    )
    canvas.dot.node(
        "legend", label=table, shape="plain", fontsize="10", image="", width="0", height="0", fixedsize="false"
    )


def run_dot(source: str, formats: tuple[str, ...], dpi: int | None = None) -> Rendering:
    """Lay the DOT source out once and write every format from that layout."""
    executable = shutil.which("dot")
    if executable is None:
        raise RenderError(INSTALL_HINT)
    environment = {name: value for name, value in os.environ.items() if name not in IGNORED_ENVIRONMENT}
    with tempfile.TemporaryDirectory(prefix="archgen-") as folder:
        command = [executable, f"-Gimagepath={icon_root()}", f"-Gdpi={dpi or DEFAULT_DPI}"]
        for fmt in formats:
            command += [f"-T{fmt}", "-o", str(Path(folder, f"diagram.{fmt}"))]
        try:
            done = subprocess.run(
                command,
                input=source.encode(),
                capture_output=True,
                env=environment,
                timeout=DOT_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise RenderError(f"Graphviz took longer than {DOT_TIMEOUT_SECONDS} s and was stopped") from None
        except OSError as error:
            raise RenderError(f"cannot run Graphviz's `dot`: {error.strerror}") from None
        stderr = done.stderr.decode(errors="replace")
        if done.returncode != 0:
            raise RenderError(f"Graphviz failed: {stderr.strip() or f'exit code {done.returncode}'}")
        files = {fmt: Path(folder, f"diagram.{fmt}").read_bytes() for fmt in formats}
    rendering = Rendering(files)
    scale = re.search(r"too large for cairo-renderer bitmaps\. Scaling by ([0-9.eE+-]+)", stderr)
    if scale and "png" in formats:
        fitting = max(1, int((dpi or DEFAULT_DPI) * float(scale.group(1))))
        rendering.warnings.append(
            "the PNG is wider or taller than Graphviz's 32,767-pixel bitmap limit, so Graphviz scaled it down "
            f"to {float(scale.group(1)):.0%}; use --dpi {fitting} for a sharp PNG of this size, or the SVG"
        )
    if "svg" in rendering.files:
        rendering.files["svg"] = portable_svg(rendering.files["svg"], icon_root())
    return rendering


_IMAGE = re.compile(
    rb'<image xlink:href="(?P<href>[^"]+)" width="(?P<width>[0-9.]+)px" height="(?P<height>[0-9.]+)px"'
    rb' preserveAspectRatio="xMinYMin meet" x="(?P<x>-?[0-9.]+)" y="(?P<y>-?[0-9.]+)"/>'
)
_SIZE = re.compile(rb'<svg width="[0-9.]+pt" height="[0-9.]+pt"\s+viewBox="0\.00 0\.00 ([0-9.]+) ([0-9.]+)"')


def portable_svg(svg: bytes, root: Path) -> bytes:
    """Embed every icon once as a data URI symbol, drawn where Graphviz linked the file; keep the size in points."""
    symbols: dict[bytes, int] = {}

    def use(match: re.Match[bytes]) -> bytes:
        number = symbols.setdefault(match["href"], len(symbols))
        return b'<use xlink:href="#icon%d" x="%s" y="%s" width="%s" height="%s"/>' % (
            number,
            match["x"],
            match["y"],
            match["width"],
            match["height"],
        )

    svg = _IMAGE.sub(use, svg)
    defs = [b"<defs>"]
    for href, number in symbols.items():
        png = _read_icon(root, href.decode())
        width, height = struct.unpack(">II", png[16:24])
        data = base64.b64encode(png)
        defs.append(
            b'<symbol id="icon%d" viewBox="0 0 %d %d" preserveAspectRatio="xMinYMin meet">'
            b'<image width="%d" height="%d" xlink:href="data:image/png;base64,%s"/></symbol>'
            % (number, width, height, width, height, data)
        )
    defs.append(b"</defs>")
    svg = _SIZE.sub(
        lambda m: b'<svg width="%spt" height="%spt"\n viewBox="0.00 0.00 %s %s"' % (m[1], m[2], m[1], m[2]),
        svg,
        count=1,
    )
    start = svg.index(b">", svg.index(b"<svg")) + 1
    return svg[:start] + b"\n" + b"\n".join(defs) + svg[start:]


def _read_icon(root: Path, relative: str) -> bytes:
    path = (root / relative).resolve()
    if root not in path.parents:
        raise RenderError(f"icon outside the icon catalogue: {relative}")
    try:
        return path.read_bytes()
    except OSError as error:
        raise RenderError(f"cannot read icon {relative}: {error.strerror}") from None
