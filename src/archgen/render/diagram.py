"""Pictures through mingrammer's `diagrams` and a single Graphviz run: DOT, PNG and SVG.

This is the only module that imports `diagrams`. It borrows the package's Diagram,
Cluster, Node and Edge and its icon catalogue, but never lets it render: `diagrams`
runs `dot` once per format, shows the result, names files after the title and writes
absolute icon paths. We take its DOT source instead, with icon paths relative to the
catalogue, and run `dot` ourselves once for every format asked for.
"""

from __future__ import annotations

import base64
import functools
import html
import importlib
import itertools
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
from archgen.icons import icon_of
from archgen.render.icon_crop import crop_root, cropped
from archgen.render.scene import Box, Link, Scene
from archgen.render.tiers import group_order, longest_ranks, tier_ranks

# One point, one pixel: legible text, and a quarter less PNG area (and time) than Graphviz's 96 dpi.
DEFAULT_DPI = 72
DOT_TIMEOUT_SECONDS = 900
INSTALL_HINT = (
    "Graphviz's `dot` was not found on PATH; install Graphviz "
    "(apt-get install graphviz, dnf install graphviz, brew install graphviz or choco install graphviz)"
)
# Graphviz reads these and then refuses to load icons from anywhere else.
IGNORED_ENVIRONMENT = ("SERVER_NAME", "GV_FILE_PATH")
# Latin, Greek and Cyrillic from DejaVu; Chinese, Japanese and Korean from Noto CJK (Debian's fonts-noto-cjk).
FONT = "DejaVu Sans,Noto Sans CJK SC,Noto Sans,sans-serif"
FONT_COLOR = "#2D3436"
MUTED_COLOR = "#8A949C"
#: Arrows, and the purple of replication between a store's primary and its replicas.
LINK_COLOR = "#7B8894"
REPLICATION_COLOR = "#8E6CBF"

GRAPH_ATTRS = {
    "pad": "0.3",
    "newrank": "true",
    "outputorder": "edgesfirst",
    "labelloc": "t",
    "labeljust": "l",
    "fontname": FONT,
    "fontcolor": FONT_COLOR,
}
# More rounds of crossing reduction: fewer crossings, and fewer of the ones Graphviz routes through
# boxes. Crossing reduction is most of a layout's time, and past LARGE boxes four rounds cost
# seconds (at 1,000 components, 6.2 s against 3.9 s for the whole run) on a picture too large
# to follow an edge in: one round there.
MCLIMIT = "4"
MCLIMIT_LARGE = "1"
LARGE = 500
# Labels may be wider than their icon, so the gap across a rank's direction is the roomier one:
# between ranks in LR (labels side by side), between nodes of a rank in TB.
SPACING = {"LR": (0.4, 0.9), "TB": (0.6, 0.5)}
SPACING_SCALE = {"compact": 0.6, "normal": 1.0, "roomy": 1.6}
# Boxes are tables Graphviz sizes from their text (see `_node`), never a fixed width that cuts text off.
NODE_ATTRS = {
    "shape": "plain",
    "fixedsize": "false",
    "width": "0",
    "height": "0",
    "fontsize": "12",
    "fontname": FONT,
    "fontcolor": FONT_COLOR,
}
ICON_SIZE = 64
CELL_PADDING = 1
# A margin of table around the text keeps an edge that grazes a box clear of its words.
CELL_SPACING = 2
DETAIL_SIZE = 11
DETAIL_COLOR = "#4A5560"
MARK_BORDER = 3
TITLE_SIZE = 20
LEGEND_SIZE = 10
EDGE_LABEL_SIZE = "11"
EDGE_ATTRS = {"arrowsize": "0.8", "fontname": FONT}
#: The table cell of a box's icon, where arrows end.
ICON_PORT = "icon"
#: The names of the nodes that are not boxes: labels, buses, group titles, the tiers' spine. They
#: start with `#`, which component ids cannot, so they never collide with one.
LABEL_NODE, BUS_NODE, TITLE_NODE, TIER_NODE = "#label", "#bus", "#title", "#tier"
EDGE_STYLES = {
    "sync": {},
    "async": {"style": "dashed"},
    "optional": {"style": "dotted", "penwidth": "1.5"},
    "startup": {"style": "dashed", "arrowhead": "odot"},
    "replication": {"style": "dashed", "color": REPLICATION_COLOR, "fontcolor": REPLICATION_COLOR, "arrowhead": "none"},
}
#: The legend's entries: a style, its sample line, its colour and its words (every export says them too).
LEGEND_ENTRIES = (
    ("sync", "───────▶", LINK_COLOR, "sync call"),
    ("async", "─ ─ ─ ─ ▶", LINK_COLOR, "async call (queued)"),
    ("optional", "··········▶", LINK_COLOR, "optional call"),
    ("startup", "─ ─ ─ ─ ○", LINK_COLOR, "needed to start only"),
    ("replication", "─ ─ ─ ─ ─", REPLICATION_COLOR, "replication"),
    ("alternative", "───────▷", LINK_COLOR, "one of (any_of)"),
)
LEGEND_ROWS = {
    style: (
        f'<TR><TD><FONT POINT-SIZE="{LEGEND_SIZE}" COLOR="{color}">{sample}</FONT></TD>'
        f'<TD ALIGN="LEFT"><FONT POINT-SIZE="{LEGEND_SIZE}">{text}</FONT></TD></TR>'
    )
    for style, sample, color, text in LEGEND_ENTRIES
}
SPOF_COLOR = "#D62828"
#: A group's fill (diagrams' first cluster colour) and border, for the overview's group boxes.
GROUP_FILL = "#E5F5FD"
GROUP_BORDER = "#AEB6BE"
#: How a mark outlines its box: a finding in red, a waived one muted and dashed; a third party is dashed.
#: A diff's picture: what the change adds (green), changes (amber) and removes (grey, dashed).
CHANGE_STYLES = {
    "added": ("#2B9348", "ROUNDED"),
    "changed": ("#E09F3E", "ROUNDED"),
    "removed": ("#9AA5AE", "ROUNDED,DASHED"),
}
CHANGE_WORDS = {"added": "added by the change", "changed": "changed by it", "removed": "removed by it (where it was)"}
MARK_STYLES = {False: (SPOF_COLOR, "ROUNDED"), True: (MUTED_COLOR, "ROUNDED,DASHED")}


@dataclass
class Rendering:
    """The bytes of each format, and what the user should know about them."""

    files: dict[str, bytes]
    warnings: list[str] = field(default_factory=list)


def icon_root() -> Path:
    """Return the folder the icon paths in our DOT are relative to (pass it as `-Gimagepath`)."""
    import diagrams

    return Path(diagrams.__file__).resolve().parent.parent


def icon_class(box: Box, icons: str = "generic") -> type[Any]:
    """Return the diagrams Node class drawing a box: by engine when known, else by kind in the icon set."""
    module, _, class_name = icon_of(box.kind, box.engine, icons).rpartition(".")
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

    layout = scene.layout
    nodesep, ranksep = (value * SPACING_SCALE[layout.spacing] for value in SPACING[layout.direction])
    graph_attrs = {
        **GRAPH_ATTRS,
        "label": _heading(scene, highlight),
        "mclimit": MCLIMIT_LARGE if len(scene.boxes) > LARGE else MCLIMIT,
        "rankdir": layout.direction,
        "splines": layout.splines,
        "nodesep": f"{nodesep:.2f}",
        "ranksep": f"{ranksep:.2f}",
    }
    canvas = Canvas(name="", show=False, graph_attr=graph_attrs, node_attr=NODE_ATTRS, edge_attr=EDGE_ATTRS)
    canvas.dot.name = "archgen"
    with canvas:
        _Drawing(canvas.dot, scene, highlight).draw()
    source: str = canvas.dot.source
    return source


class _Drawing:
    """Writes one scene's boxes, clusters, labels, edges and tiers into a diagrams canvas."""

    def __init__(self, graph: Any, scene: Scene, highlight: bool) -> None:
        self.graph = graph
        self.scene = scene
        self.highlight = highlight
        self.cluster_of = {box.id: box.cluster for box in scene.boxes}
        # A primary's replicas are drawn in order (replica 1, then 2): Graphviz keeps its out-edges in order.
        self.replicated = {link.source for link in scene.links if link.target.startswith(f"{link.source}#replica")}
        #: Every node but the boxes (labels, buses) with its cluster, and every line drawn: what tiers rank.
        self.extra_nodes: dict[str, int | None] = {}
        self.lines: list[tuple[str, str]] = []

    @property
    def head(self) -> dict[str, str]:
        """Return where arrows end.

        Top to bottom, an arrow ends on top of the icon, not at the edge of a box its text made wide.
        Left to right it ends at the box: ending at the icon's side sends arrows coming from below
        through the box's own text (the picture check found it in 10 of 59 layouts).
        """
        return {"headport": f"{ICON_PORT}:n"} if self.scene.direction == "TB" else {"headport": ICON_PORT}

    def place(self, node_id: str, near: list[str], **attrs: Any) -> None:
        """Draw a node that is not a box (a label, a bus's point): in the cluster of the boxes it joins, if one."""
        cluster = self.cluster_of[near[0]]
        if cluster is not None and all(self.cluster_of[box_id] == cluster for box_id in near):
            with self.graph.subgraph(name=f"cluster_{cluster}") as owner:
                owner.node(node_id, **attrs)
        else:
            cluster = None
            self.graph.node(node_id, **attrs)
        self.extra_nodes[node_id] = cluster

    def line(self, tail: str, head: str, **attrs: Any) -> None:
        """Draw one line of the picture (a call, half of a labelled one, part of a bus) and keep it for the tiers."""
        self.lines.append((tail, head))
        self.graph.edge(tail, head, **attrs)

    def draw(self) -> None:
        import diagrams

        scene = self.scene
        for box in scene.boxes:
            if box.cluster is None:
                self.node(box)
        for index, title in enumerate(scene.clusters):
            cluster = diagrams.Cluster(label="", graph_attr={"label": "", "fontname": FONT})
            # diagrams names a cluster after its title, which would merge two groups of the same title.
            cluster.dot.name = f"cluster_{index}"
            members = [box for box in scene.boxes if box.cluster == index]
            with cluster:
                _cluster_title(cluster.dot, f"{TITLE_NODE}{index}", title, _first(members, scene.links))
                for box in members:
                    self.node(box)
        drawn_buses = buses(scene)
        in_bus = {number for bus in drawn_buses for number in bus.links}
        for number, link in enumerate(scene.links):
            if number not in in_bus:
                self.edge(number, link)
        for bus in drawn_buses:
            self.bus(bus)
        self.tiers()

    def node(self, box: Box) -> None:
        node_class = icon_class(box, self.scene.layout.icons)
        beside = self.scene.direction == "LR"
        label = _box_label(box, f"{node_class._icon_dir}/{node_class._icon}", self.highlight, beside)
        ordering = {"ordering": "out"} if box.id in self.replicated else {}
        node_class(label, nodeid=box.id, image="", shape="plain", **ordering)

    def bus(self, bus: Bus) -> None:
        """Draw a bus: its branches meet at a point in their group, one line joins the point and the hub."""
        first = self.scene.links[bus.links[0]]
        attrs = self.style(first)
        ends = bus.ends(self.scene)
        point = {"shape": "point", "width": "0.07", "height": "0.07", "color": LINK_COLOR, "label": "", "image": ""}
        self.place(bus.id, ends, **point)
        if bus.inward:
            for end in ends:
                self.line(end, bus.id, **attrs, dir="none")
            self.line(bus.id, bus.hub, **attrs, **self.head)
        else:
            self.line(bus.hub, bus.id, **attrs, dir="none")
            for end in ends:
                self.line(bus.id, end, **attrs, **self.head)

    def style(self, link: Link) -> dict[str, Any]:
        """Return a link's line attributes: its style, a hollow head for an alternative, a diff's colour."""
        attrs: dict[str, Any] = dict(EDGE_STYLES[link.style])  # the graph's edge defaults are EDGE_ATTRS
        if link.alternative:
            attrs["arrowhead"] = "empty"
        if link.change is not None:
            color, _ = CHANGE_STYLES[link.change]
            attrs |= {"color": color, "fontcolor": color, "penwidth": "1.6"}
            if link.change == "removed":
                attrs["style"] = "dashed"
        return attrs

    def edge(self, number: int, link: Link) -> None:
        """Draw a link; a labelled one passes through its label, a node of its own.

        Graphviz routes edges around nodes, but not reliably around the labels it places itself. The
        label lives in the cluster of its two ends when they share one.
        """
        attrs = self.style(link)
        head = self.head
        if not link.label:
            self.line(link.source, link.target, **attrs, **head)
            return
        label_id = f"{LABEL_NODE}{number}"
        color = attrs.get("fontcolor", FONT_COLOR)
        node = {"label": dot_text(link.label), "fontsize": EDGE_LABEL_SIZE, "fontcolor": color, "image": ""}
        self.place(label_id, [link.source, link.target], **node)
        self.line(link.source, label_id, **attrs, dir="none")
        self.line(label_id, link.target, **attrs, **head)

    def tiers(self) -> None:
        """Put the clients first, explicit ranks side by side, and monitoring nobody calls beside the last box."""
        scene = self.scene
        rows: list[tuple[str, list[str]]] = []
        clients = [box.id for box in scene.boxes if box.kind == "client" and box.cluster is None]
        if clients:
            rows.append(("min", clients))
        rows += [("same", list(rank)) for rank in scene.ranks]
        in_flow = {link.target for link in scene.links} | {link.source for link in scene.links}
        observers = [
            box.id for box in scene.boxes if box.kind == "monitoring" and box.cluster is None and box.id not in in_flow
        ]
        last = _deepest(scene)
        if observers and last is not None:
            rows.append(("same", [last, *observers]))
        if not scene.ranks:
            rows += [("same", row) for row in self.tier_rows()]
        for rank, members in rows:
            with self.graph.subgraph() as row:
                row.attr(rank=rank)
                for box_id in members:
                    row.node(box_id)

    def tier_rows(self) -> list[list[str]]:
        """Return the ranks of a design whose calls put groups of different tiers in order (see `tiers`), or none."""
        scene = self.scene
        kinds = {box.id: box.kind for box in scene.boxes}
        # Calls order the groups; a store's replication to its copy elsewhere does not.
        calls = [(link.source, link.target) for link in scene.links if link.style != "replication"]
        order = group_order(kinds, self.cluster_of, calls)
        if not order:
            return []
        linked = {node for line in self.lines for node in line}
        nodes = {box.id: box.cluster for box in scene.boxes if box.id in linked} | self.extra_nodes
        clients = [box.id for box in scene.boxes if box.kind == "client"]
        rows = tier_ranks(nodes, self.lines, order, clients)
        # A spine of invisible points, one a rank, keeps the ranks in order where no call does.
        spine = [f"{TIER_NODE}{index}" for index in range(len(rows))]
        for point in spine:
            self.graph.node(point, label="", shape="point", width="0", height="0", style="invis", image="")
        for earlier, later in itertools.pairwise(spine):
            self.graph.edge(earlier, later, style="invis", weight="0")
        return [[point, *row] for point, row in zip(spine, rows, strict=True)]


#: Calls of one style between one box and one group drawn as a bus: measured over the gallery and the
#: fixtures, four or more take crossings away; three add some to the gallery's designs.
BUS_MIN = 4


@dataclass(frozen=True)
class Bus:
    """Calls of one style between a hub box and one group, drawn as one line to the hub and a branch each.

    Into a hub (`inward`: a shared database, a topic's publishers) the branches meet at a point and
    one arrow goes on to the hub; out of it (a topic's subscribers) one line leaves the hub and
    branches to each target. `links` are the calls' numbers in the scene.
    """

    id: str
    hub: str
    links: tuple[int, ...]
    inward: bool

    def ends(self, scene: Scene) -> list[str]:
        """Return the other end of each call: the callers of an inward bus, the called of an outward one."""
        return [scene.links[number].source if self.inward else scene.links[number].target for number in self.links]


def buses(scene: Scene) -> list[Bus]:
    """Return the buses a picture draws: BUS_MIN or more unlabelled calls of one style between a box and a group.

    A call is in one bus at most; buses into a hub are found first.
    """
    cluster_of = {box.id: box.cluster for box in scene.boxes}
    inward: dict[tuple[str, str, bool, int | None], list[int]] = {}
    outward: dict[tuple[str, str, bool, int | None], list[int]] = {}
    for number, link in enumerate(scene.links):
        if link.label or link.style == "replication" or link.change is not None or link.source == link.target:
            continue
        inward.setdefault((link.target, link.style, link.alternative, cluster_of[link.source]), []).append(number)
        outward.setdefault((link.source, link.style, link.alternative, cluster_of[link.target]), []).append(number)
    found: list[Bus] = []
    taken: set[int] = set()
    for is_inward, groups in ((True, inward), (False, outward)):
        for (hub, *_), numbers in groups.items():
            free = tuple(number for number in numbers if number not in taken)
            if len(free) >= BUS_MIN:
                found.append(Bus(f"{BUS_NODE}{free[0]}", hub, free, is_inward))
                taken.update(free)
    return found


def _box_label(box: Box, icon: str, highlight: bool, beside: bool = False) -> str:
    """Return a box as a table Graphviz measures itself: the icon, and one row per line of text.

    The box is as wide as its widest line, so no text is cut off or spills onto a neighbour. Top
    to bottom the icon is above the text, where arrows arrive; left to right it is `beside` it, at
    the left, so an arrow arriving from the left ends on the icon, not in the white space beside a
    wide line of text.
    """
    mark = box.mark if highlight else None
    width, height = icon_cell(icon)
    image = (
        f'<TD PORT="{ICON_PORT}" FIXEDSIZE="TRUE" WIDTH="{width}" HEIGHT="{height}" CELLPADDING="0">'
        f'<IMG SRC="{icon}" SCALE="TRUE"/></TD>'
    )
    cells = [f"<TD>{_html(line)}</TD>" for line in box.title.splitlines()]
    cells += [
        f'<TD><FONT POINT-SIZE="{DETAIL_SIZE}" COLOR="{DETAIL_COLOR}">{_html(line)}</FONT></TD>'
        for detail in box.details
        for line in detail.splitlines()
    ]
    border = 'BORDER="0"'
    if box.change is not None:
        color, style = CHANGE_STYLES[box.change]
        cells.append(f'<TD><FONT POINT-SIZE="{DETAIL_SIZE}" COLOR="{color}"><B>{box.change}</B></FONT></TD>')
        border = f'BORDER="{MARK_BORDER}" COLOR="{color}" STYLE="{style}"'
    if mark is not None:
        color, style = MARK_STYLES[mark.waived]
        cells.append(f'<TD><FONT COLOR="{color}"><B>{_html(mark.text)}</B></FONT></TD>')
        border = f'BORDER="{MARK_BORDER}" COLOR="{color}" STYLE="{style}"'
    elif box.change is None and box.kind == "external":
        border = f'BORDER="1" COLOR="{MUTED_COLOR}" STYLE="ROUNDED,DASHED"'
    elif box.members:
        border = f'BORDER="1" COLOR="{GROUP_BORDER}" STYLE="ROUNDED"'
    if box.members:  # a group in the overview, filled as the whole picture fills its groups
        border += f' BGCOLOR="{GROUP_FILL}"'
    if beside:
        # The lines in one cell, each left-aligned: they stay together beside the icon, as a label.
        text = "".join(f'{cell.removeprefix("<TD>").removesuffix("</TD>")}<BR ALIGN="LEFT"/>' for cell in cells)
        rows = [f"<TR>{image}<TD>{text}</TD></TR>" if cells else f"<TR>{image}</TR>"]
    else:
        rows = [f"<TR>{image}</TR>", *(f"<TR>{cell}</TR>" for cell in cells)]
    spacing = f'CELLBORDER="0" CELLSPACING="{CELL_SPACING}" CELLPADDING="{CELL_PADDING}"'
    return f"<<TABLE {border} {spacing}>{''.join(rows)}</TABLE>>"


def _cluster_title(cluster: Any, title_id: str, title: str, first: Box) -> None:
    """Write a cluster's title as a node in the rank of its first box.

    A cluster's own label sits in a strip edges run through on their way in; a node they go around.
    """
    with cluster.subgraph() as row:
        row.attr(rank="same")
        row.node(title_id, label=f"<<B>{_html(title)}</B>>", image="")
        row.node(first.id)


def _first(members: list[Box], links: tuple[Link, ...]) -> Box:
    """Return the first box of a cluster that no other box of it calls: where its flow starts."""
    inside = {box.id for box in members}
    called = {link.target for link in links if link.source in inside and link.source != link.target}
    return next((box for box in members if box.id not in called), members[0])


def _deepest(scene: Scene) -> str | None:
    """Return the unclustered box at the end of the longest chain of links (links closing a cycle left out)."""
    links = [(link.source, link.target) for link in scene.links]
    depth = longest_ranks({box.id: box.cluster for box in scene.boxes}, links)
    candidates = [box.id for box in scene.boxes if box.cluster is None and box.kind != "monitoring"]
    return max(candidates, key=lambda box_id: depth[box_id], default=None)


def _html(text: str) -> str:
    """Escape text for an HTML-like label.

    Graphviz's label lexer fails on text that starts with `]` (and on `]]>`), so every `]` is
    written as a character reference too.
    """
    return html.escape(text, quote=True).replace("]", "&#93;") or " "


def _heading(scene: Scene, highlight: bool) -> str:
    """Return the graph's label: the title, and under it a legend of the edge styles and marks the scene uses.

    The label sits in the top left corner of every picture, outside the layout, so no edge crosses it.
    """
    rows = [LEGEND_ROWS[style] for style in LEGEND_ROWS if any(link.style == style for link in scene.links)]
    if any(link.alternative for link in scene.links):
        rows.append(LEGEND_ROWS["alternative"])
    for change, (color, style) in CHANGE_STYLES.items():
        if any(box.change == change for box in scene.boxes) or any(link.change == change for link in scene.links):
            rows.append(
                f'<TR><TD BORDER="2" COLOR="{color}" STYLE="{style}"><FONT POINT-SIZE="{LEGEND_SIZE}" '
                f'COLOR="{color}">{change}</FONT></TD>'
                f'<TD ALIGN="LEFT"><FONT POINT-SIZE="{LEGEND_SIZE}">{CHANGE_WORDS[change]}</FONT></TD></TR>'
            )
    for present, waived, text in (
        (scene.marked, False, "single point of failure"),
        (scene.waived, True, "single point of failure, waived"),
    ):
        if highlight and present:
            color, style = MARK_STYLES[waived]
            rows.append(
                f'<TR><TD BORDER="2" COLOR="{color}" STYLE="{style}"><FONT POINT-SIZE="{LEGEND_SIZE}" '
                f'COLOR="{color}">SPOF</FONT></TD>'
                f'<TD ALIGN="LEFT"><FONT POINT-SIZE="{LEGEND_SIZE}">{text}</FONT></TD></TR>'
            )
    title = f'<TD ALIGN="LEFT" VALIGN="TOP"><FONT POINT-SIZE="{TITLE_SIZE}">{_html(scene.title)}</FONT></TD>'
    # Side by side, so neither stretches the other: a table in a cell fills the cell's width.
    legend = (
        '<TD WIDTH="16"></TD><TD ALIGN="LEFT" VALIGN="TOP"><TABLE BORDER="1" COLOR="#AEB6BE" CELLBORDER="0"'
        f' CELLSPACING="2" CELLPADDING="3" STYLE="ROUNDED"><TR><TD COLSPAN="2" ALIGN="LEFT"><FONT'
        f' POINT-SIZE="{LEGEND_SIZE}"><B>Legend</B></FONT></TD></TR>{"".join(rows)}</TABLE></TD>'
        if rows
        else ""
    )
    return f'<<TABLE BORDER="0" CELLSPACING="0" CELLPADDING="0"><TR>{title}{legend}</TR></TABLE>>'


def run_dot(source: str, formats: tuple[str, ...], dpi: int | None = None, ids: str = "archgen") -> Rendering:
    """Lay the DOT source out once and write every format from that layout; SVG ids start with `ids`."""
    executable = shutil.which("dot")
    if executable is None:
        raise RenderError(INSTALL_HINT)
    environment = {name: value for name, value in os.environ.items() if name not in IGNORED_ENVIRONMENT}
    with tempfile.TemporaryDirectory(prefix="archgen-") as folder:
        # Icons cut to what they show (`icon_crop`) are found before diagrams' own.
        imagepath = os.pathsep.join((str(crop_root()), str(icon_root())))
        command = [executable, f"-Gimagepath={imagepath}", f"-Gdpi={dpi or DEFAULT_DPI}"]
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
    rendering = Rendering(files, _warnings(stderr, formats, dpi))
    if "svg" in rendering.files:
        rendering.files["svg"] = portable_svg(rendering.files["svg"], icon_root(), ids)
    return rendering


_SCALED = re.compile(r"too large for cairo-renderer bitmaps\. Scaling by ([0-9.eE+-]+)")
# Graphviz has no image loader for its JSON layout; the layout itself is the same.
_NOT_WARNINGS = ("No loadimage plugin",)


def _warnings(stderr: str, formats: tuple[str, ...], dpi: int | None) -> list[str]:
    """Turn what Graphviz says on stderr into warnings for the user, each once."""
    warnings: list[str] = []
    for line in stderr.splitlines():
        text = line.strip().removeprefix("Warning:").strip()
        scale = _SCALED.search(text)
        if scale and "png" in formats:
            fitting = max(1, int((dpi or DEFAULT_DPI) * float(scale.group(1))))
            text = (
                "the PNG is wider or taller than Graphviz's 32,767-pixel bitmap limit, so Graphviz scaled it down "
                f"to {float(scale.group(1)):.0%}; use --dpi {fitting} for a sharp PNG of this size, or the SVG"
            )
        elif scale or not text or text.startswith(_NOT_WARNINGS):
            continue
        else:
            text = f"Graphviz: {text}"
        if text not in warnings:
            warnings.append(text)
    return warnings


_IMAGE = re.compile(
    rb'<image xlink:href="(?P<href>[^"]+)" width="(?P<width>[0-9.]+)px" height="(?P<height>[0-9.]+)px"'
    rb' preserveAspectRatio="xMinYMin meet" x="(?P<x>-?[0-9.]+)" y="(?P<y>-?[0-9.]+)"/>'
)
#: The ids Graphviz gives the groups it draws: the graph, clusters, nodes, edges.
_IDS = re.compile(rb' id="((?:graph|clust|node|edge)[0-9]+)"')
_SIZE = re.compile(rb'<svg width="[0-9.]+pt" height="[0-9.]+pt"\s+viewBox="0\.00 0\.00 ([0-9.]+) ([0-9.]+)"')


def portable_svg(svg: bytes, root: Path, ids: str = "archgen") -> bytes:
    """Embed every icon once as a data URI symbol, drawn where Graphviz linked the file; keep the size in points.

    Every id starts with `ids` (the design's slug, and its view's): a page that shows several
    pictures resolves each `#…-icon0` to its own picture's icon, not to the first one defined.
    """
    symbols: dict[bytes, int] = {}
    prefix = ids.encode()

    def use(match: re.Match[bytes]) -> bytes:
        number = symbols.setdefault(match["href"], len(symbols))
        return b'<use xlink:href="#%s-icon%d" x="%s" y="%s" width="%s" height="%s"/>' % (
            prefix,
            number,
            match["x"],
            match["y"],
            match["width"],
            match["height"],
        )

    svg = _IDS.sub(lambda match: b' id="%s-%s"' % (prefix, match[1]), _IMAGE.sub(use, svg))
    defs = [b"<defs>"]
    for href, number in symbols.items():
        png = _read_icon(root, href.decode())
        width, height = png_size(png)
        data = base64.b64encode(png)
        defs.append(
            b'<symbol id="%s-icon%d" viewBox="0 0 %d %d" preserveAspectRatio="xMinYMin meet">'
            b'<image width="%d" height="%d" xlink:href="data:image/png;base64,%s"/></symbol>'
            % (prefix, number, width, height, width, height, data)
        )
    defs.append(b"</defs>")
    svg = _SIZE.sub(
        lambda m: b'<svg width="%spt" height="%spt"\n viewBox="0.00 0.00 %s %s"' % (m[1], m[2], m[1], m[2]),
        svg,
        count=1,
    )
    start = svg.index(b">", svg.index(b"<svg")) + 1
    return svg[:start] + b"\n" + b"\n".join(defs) + svg[start:]


def png_size(png: bytes) -> tuple[int, int]:
    """Return a PNG's width and height in pixels, from its header."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


@functools.cache
def icon_cell(relative: str) -> tuple[int, int]:
    """Return the size of the cell an icon is drawn in: ICON_SIZE on its long side, its own shape.

    A square cell would leave a wide icon (Cassandra's eye) floating in white space above and
    below, where arrows stop short of it; so would an icon's own transparent margins, which is why
    the icon is the one `icon_crop` cut to what it shows.
    """
    png = _read_icon(icon_root(), relative)
    width, height = png_size(png)
    if not width or not height:
        return ICON_SIZE, ICON_SIZE
    scale = ICON_SIZE / max(width, height)
    return max(8, round(width * scale)), max(8, round(height * scale))


def _read_icon(root: Path, relative: str) -> bytes:
    """Return the PNG an icon is drawn with: cut to what it shows (`icon_crop`), from the icon catalogue only."""
    path = (root / relative).resolve()
    if root not in path.parents:
        raise RenderError(f"icon outside the icon catalogue: {relative}")
    try:
        return cropped(root, relative)
    except OSError as error:
        raise RenderError(f"cannot read icon {relative}: {error.strerror}") from None


def box_icon(box: Box, icons: str = "generic") -> tuple[bytes, tuple[int, int]]:
    """Return the PNG a box is drawn with (cut to what it shows) and the size of its cell, for the exports."""
    node_class = icon_class(box, icons)
    relative = f"{node_class._icon_dir}/{node_class._icon}"
    return _read_icon(icon_root(), relative), icon_cell(relative)
