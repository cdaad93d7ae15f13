"""D2 (`.d2`): the design as D2 source — boxes with their lines of text, groups as containers, calls as connections.

Keys and labels are double-quoted strings (D2 reads escaped quotes, backslashes and line breaks in them), so any name
is safe. Styles follow the picture: async and start-up calls dashed, optional dotted,
replication dashed and without an arrowhead, single points of failure with a red stroke.
D2 draws with its own layout; the positions are not carried over.
"""

from __future__ import annotations

from archgen.render.diagram import REPLICATION_COLOR
from archgen.render.exports import box_lines, link_text, mark_color
from archgen.render.scene import Box, Scene

SHAPES = {
    "client": "person",
    "database": "cylinder",
    "cache": "cylinder",
    "queue": "queue",
    "object_storage": "stored_data",
    "cdn": "cloud",
    "dns": "hexagon",
    "external": "cloud",
}
DASHES = {"async": "5", "startup": "5", "optional": "2", "replication": "5"}


def to_d2(scene: Scene, highlight: bool = True) -> str:
    """Return the scene as D2 source."""
    lines = [f"direction: {'right' if scene.direction == 'LR' else 'down'}"]
    lines += ["title: " + quote(scene.title) + " {", "  shape: text", "  near: top-left", "  style.font-size: 24", "}"]
    paths = {}
    for box in scene.boxes:
        if box.cluster is None:
            paths[box.id] = quote(box.id)
            lines += _box(box, highlight, "")
    for index, title in enumerate(scene.clusters):
        container = f"group{index}"
        lines += [f"{container}: {quote(title)} {{"]
        for box in scene.boxes:
            if box.cluster == index:
                paths[box.id] = f"{container}.{quote(box.id)}"
                lines += _box(box, highlight, "  ")
        lines.append("}")
    for link in scene.links:
        arrow = "--" if link.style == "replication" else "->"
        words = link_text(link)
        head = f"{paths[link.source]} {arrow} {paths[link.target]}" + (f": {quote(words)}" if words else "")
        style = []
        if link.style in DASHES:
            style.append(f"style.stroke-dash: {DASHES[link.style]}")
        if link.style == "replication":
            style.append(f'style.stroke: "{REPLICATION_COLOR}"')
        lines.append(head + (" {" if style else ""))
        if style:
            lines += [f"  {item}" for item in style] + ["}"]
    return "\n".join(lines) + "\n"


def _box(box: Box, highlight: bool, indent: str) -> list[str]:
    text = "\n".join(line for line, _ in box_lines(box, highlight))
    lines = [f"{indent}{quote(box.id)}: {quote(text)} {{", f"{indent}  tooltip: {quote(box.kind)}"]
    if box.kind in SHAPES:
        lines.append(f"{indent}  shape: {SHAPES[box.kind]}")
    color = mark_color(box, highlight)
    if color:
        lines += [f'{indent}  style.stroke: "{color}"', f"{indent}  style.stroke-width: 3"]
    lines.append(f"{indent}}}")
    return lines


def quote(text: str) -> str:
    """Return a D2 double-quoted string of any text."""
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'
