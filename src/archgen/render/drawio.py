"""draw.io (diagrams.net) files: the picture as mxGraph XML, every box where archgen's layout put it.

One vertex per box at its place and size in the Graphviz layout, its icon embedded as a data URI
and its lines of text as the label; groups as containers (their boxes inside, placed relative to
them); each call an edge between the two vertices with the picture's style (sync, async,
optional, start-up, replication, `any_of`) and its bends as waypoints; single points of failure
outlined in red; the title and the legend as text. Uncompressed, so a diff of two exports reads.
"""

from __future__ import annotations

import base64
import functools
import html
import xml.etree.ElementTree as ET

from archgen.render.diagram import LINK_COLOR, MUTED_COLOR, REPLICATION_COLOR, SPOF_COLOR, box_icon
from archgen.render.exports import (
    CLUSTER_FILL,
    CLUSTER_STROKE,
    box_lines,
    legend,
    link_text,
    mark_color,
)
from archgen.render.placement import Placed, Rect, place
from archgen.render.scene import Link, Scene

EDGE_STYLES = {
    "sync": "endArrow=block;endFill=1;",
    "async": "endArrow=block;endFill=1;dashed=1;dashPattern=6 4;",
    "optional": "endArrow=block;endFill=1;dashed=1;dashPattern=1 3;",
    "startup": "endArrow=oval;endFill=0;dashed=1;dashPattern=6 4;",
    "replication": f"endArrow=none;dashed=1;dashPattern=6 4;strokeColor={REPLICATION_COLOR};",
}
TEXT_STYLE = {
    "title": "",
    "detail": "font-size:10px;color:#4A5560;",
    "change": "font-weight:bold;",
    "mark": "",
    "waived": "",
}


def to_drawio(scene: Scene, highlight: bool = True, placed: Placed | None = None) -> str:
    """Return the scene as a draw.io file (mxGraph XML), at the positions of archgen's own layout."""
    placed = placed or place(scene, highlight)
    mxfile = ET.Element("mxfile", host="archgen", type="device")
    diagram = ET.SubElement(mxfile, "diagram", id="archgen", name=scene.title)
    model = ET.SubElement(
        diagram,
        "mxGraphModel",
        dx=_n(placed.width),
        dy=_n(placed.height),
        grid="0",
        page="0",
        pageWidth=_n(placed.width + 40),
        pageHeight=_n(placed.height + 40),
    )
    root = ET.SubElement(model, "root")
    ET.SubElement(root, "mxCell", id="0")
    ET.SubElement(root, "mxCell", {"id": "1", "parent": "0"})
    _text_cell(root, "title", scene.title, Rect(8, -64, 400, 28), "fontSize=20;align=left;")
    entries = legend(scene, highlight)
    if entries:
        words = "<br>".join(html.escape(entry) for entry in entries)
        _text_cell(root, "legend", f"<b>Legend</b><br>{words}", Rect(420, -64, 260, 18 + 14 * len(entries)), "")
    for index, rect in sorted(placed.clusters.items()):
        # A swimlane: a container with its title in a bar, as draw.io draws groups, zones and regions.
        style = f"swimlane;startSize=24;rounded=1;arcSize=6;html=1;collapsible=0;fillColor={CLUSTER_FILL};"
        style += f"swimlaneFillColor={CLUSTER_FILL};strokeColor={CLUSTER_STROKE};align=left;spacingLeft=8;fontStyle=1;"
        _vertex(root, f"cluster-{index}", html.escape(scene.clusters[index]), rect, style, "1")
    ids = {box.id: f"box-{number}" for number, box in enumerate(scene.boxes)}
    for box in scene.boxes:
        rect = placed.boxes[box.id]
        parent = "1"
        if box.cluster is not None and box.cluster in placed.clusters:
            parent = f"cluster-{box.cluster}"
            outer = placed.clusters[box.cluster]
            rect = Rect(rect.x - outer.x, rect.y - outer.y, rect.width, rect.height)
        png, (width, height) = box_icon(box, scene.layout.icons)
        image = _image(png)
        beside = scene.direction == "LR"
        style = f"shape=label;html=1;whiteSpace=wrap;image={image};imageWidth={width};imageHeight={height};"
        style += (
            "imageAlign=left;imageVerticalAlign=middle;align=left;spacingLeft=" + str(width + 6) + ";"
            if beside
            else (
                "imageAlign=center;imageVerticalAlign=top;verticalAlign=bottom;align=center;spacingTop="
                + str(height)
                + ";"
            )
        )
        color = mark_color(box, highlight)
        if color:
            style += f"strokeColor={color};strokeWidth=3;rounded=1;"
            style += "dashed=1;" if box.mark and box.mark.waived else ""
        elif box.kind == "external":
            style += f"strokeColor={MUTED_COLOR};dashed=1;rounded=1;"
        else:
            style += "strokeColor=none;"
        style += "fillColor=none;"
        _vertex(root, ids[box.id], _label(box_lines(box, highlight)), rect, style, parent)
    for number, link in enumerate(scene.links):
        _edge(root, f"link-{number}", link, ids, placed.links.get(number, []))
    ET.indent(mxfile, space=" ")
    return ET.tostring(mxfile, encoding="unicode", xml_declaration=False) + "\n"


@functools.lru_cache(maxsize=256)
def _image(png: bytes) -> str:
    """Return an icon as draw.io writes an image in a style (a data URI without `;base64`)."""
    return "data:image/png," + base64.b64encode(png).decode()


def _label(lines: list[tuple[str, str]]) -> str:
    parts = []
    for text, role in lines:
        escaped = html.escape(text)
        if role in ("mark", "waived"):
            color = SPOF_COLOR if role == "mark" else MUTED_COLOR
            parts.append(f'<b><span style="color:{color}">{escaped}</span></b>')
        elif TEXT_STYLE[role]:
            parts.append(f'<span style="{TEXT_STYLE[role]}">{escaped}</span>')
        else:
            parts.append(escaped)
    return "<br>".join(parts)


def _vertex(root: ET.Element, cell_id: str, value: str, rect: Rect, style: str, parent: str) -> None:
    attributes = {"id": cell_id, "value": value, "style": style, "vertex": "1", "parent": parent}
    cell = ET.SubElement(root, "mxCell", attributes)
    ET.SubElement(cell, "mxGeometry", x=_n(rect.x), y=_n(rect.y), width=_n(rect.width), height=_n(rect.height))
    cell[-1].set("as", "geometry")


def _text_cell(root: ET.Element, cell_id: str, value: str, rect: Rect, style: str) -> None:
    style = "text;html=1;strokeColor=none;fillColor=none;verticalAlign=top;align=left;whiteSpace=wrap;" + style
    _vertex(root, cell_id, value, rect, style, "1")


def _edge(root: ET.Element, cell_id: str, link: Link, ids: dict[str, str], points: list[tuple[float, float]]) -> None:
    style = "edgeStyle=none;html=1;rounded=0;" + EDGE_STYLES[link.style]
    if link.alternative:
        style = style.replace("endFill=1", "endFill=0")
    if link.style != "replication":
        style += f"strokeColor={LINK_COLOR};"
    attributes = {
        "id": cell_id,
        "value": html.escape(link_text(link)),
        "style": style,
        "edge": "1",
        "parent": "1",
        "source": ids[link.source],
        "target": ids[link.target],
    }
    cell = ET.SubElement(root, "mxCell", attributes)
    geometry = ET.SubElement(cell, "mxGeometry", relative="1")
    geometry.set("as", "geometry")
    bends = points[1:-1]
    if bends:
        array = ET.SubElement(geometry, "Array")
        array.set("as", "points")
        for x, y in bends:
            ET.SubElement(array, "mxPoint", x=_n(x), y=_n(y))


def _n(value: float) -> str:
    """Write a coordinate with two decimals at most, the same for the same layout."""
    return f"{value:.2f}".rstrip("0").rstrip(".")
