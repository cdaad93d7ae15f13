"""What every export says of a scene the same way: a box's lines of text, the legend, the styles of links."""

from __future__ import annotations

from archgen.render.diagram import LEGEND_ENTRIES, MARK_STYLES
from archgen.render.scene import Box, Link, Scene

#: The legend's words for each link style (the picture's own legend).
LEGEND_WORDS = {style: words for style, _, _, words in LEGEND_ENTRIES}
#: A group's box, as Graphviz fills a cluster in the picture.
CLUSTER_FILL = "#E3F2FB"
CLUSTER_STROKE = "#A9CCE3"


def box_lines(box: Box, highlight: bool = True) -> list[tuple[str, str]]:
    """Return a box's lines of text with their role: its title, details, change and mark, as the picture shows them."""
    lines = [(line, "title") for line in box.title.splitlines()]
    lines += [(line, "detail") for detail in box.details for line in detail.splitlines()]
    if box.change is not None:
        lines.append((box.change, "change"))
    if highlight and box.mark is not None:
        lines.append((box.mark.text, "waived" if box.mark.waived else "mark"))
    return lines


def mark_color(box: Box, highlight: bool = True) -> str | None:
    """Return the outline a box is drawn with: red for a single point of failure, muted when waived, else None."""
    if not highlight or box.mark is None:
        return None
    return MARK_STYLES[box.mark.waived][0]


def legend(scene: Scene, highlight: bool = True) -> list[str]:
    """Return the legend's entries the scene uses, in the picture's order."""
    entries = [LEGEND_WORDS[style] for style in LEGEND_WORDS if style != "alternative" and _uses(scene, style)]
    if any(link.alternative for link in scene.links):
        entries.append(LEGEND_WORDS["alternative"])
    if highlight and scene.marked:
        entries.append("SPOF: single point of failure (red outline)")
    if highlight and scene.waived:
        entries.append("SPOF (waived): muted dashed outline")
    return entries


def _uses(scene: Scene, style: str) -> bool:
    return any(link.style == style for link in scene.links)


def link_text(link: Link) -> str:
    """Return a link's label as every export writes it (an `any_of` says so)."""
    if link.alternative:
        return f"one of: {link.label}" if link.label else "one of"
    return link.label or ""
