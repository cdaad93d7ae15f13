"""Where archgen's own layout puts everything: Graphviz's `-Tjson` read once, for the editable exports.

draw.io and Excalidraw files are drawn at the positions Graphviz gives the picture, so a box
opened there is where it is in the PNG. Coordinates are in points with the origin at the top
left (Graphviz's y grows upwards: flipped once, here).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from archgen.render.diagram import LABEL_NODE, buses, run_dot, to_dot
from archgen.render.scene import Scene

POINTS_PER_INCH = 72.0


@dataclass(frozen=True)
class Rect:
    """A rectangle: its top-left corner, width and height, in points."""

    x: float
    y: float
    width: float
    height: float

    @property
    def center(self) -> tuple[float, float]:
        """Return the middle of the rectangle."""
        return self.x + self.width / 2, self.y + self.height / 2


@dataclass
class Placed:
    """The laid-out picture: each box's and cluster's rectangle, each link's path, the canvas size."""

    width: float
    height: float
    boxes: dict[str, Rect] = field(default_factory=dict)
    clusters: dict[int, Rect] = field(default_factory=dict)
    #: Each link's path, by its index in the scene: on-curve points from its tail to its head.
    links: dict[int, list[tuple[float, float]]] = field(default_factory=dict)
    #: A labelled link's label, where Graphviz placed it (the label is a small node on the way).
    labels: dict[int, Rect] = field(default_factory=dict)


def place(scene: Scene, highlight: bool = True) -> Placed:
    """Lay the scene out as the picture is laid out and return where everything is."""
    # `json0` is the layout without the drawing operations the picture check reads: a tenth the size.
    layout = json.loads(run_dot(to_dot(scene, highlight), ("json0",)).files["json0"])
    height = float(layout["bb"].split(",")[3])
    canvas_width = float(layout["bb"].split(",")[2])
    placed = Placed(canvas_width, height)
    names: dict[int, str] = {}
    for item in layout.get("objects", []):
        names[item["_gvid"]] = item["name"]
        if item["name"].startswith("cluster_") and "bb" in item:
            left, bottom, right, top = (float(value) for value in item["bb"].split(","))
            placed.clusters[int(item["name"].removeprefix("cluster_"))] = Rect(
                left, height - top, right - left, top - bottom
            )
        elif "pos" in item and "width" in item:
            x, y = (float(value) for value in item["pos"].split(","))
            width, tall = float(item["width"]) * POINTS_PER_INCH, float(item["height"]) * POINTS_PER_INCH
            rect = Rect(x - width / 2, height - y - tall / 2, width, tall)
            if item["name"].startswith(LABEL_NODE):
                placed.labels[int(item["name"].removeprefix(LABEL_NODE))] = rect
            else:
                placed.boxes[item["name"]] = rect
    lines = {
        (names[edge["tail"]], names[edge["head"]]): _points(edge.get("pos", ""), height)
        for edge in layout.get("edges", [])
    }
    placed.links = _paths(scene, lines)
    return placed


def _paths(
    scene: Scene, lines: dict[tuple[str, str], list[tuple[float, float]]]
) -> dict[int, list[tuple[float, float]]]:
    """Return each link's path from the lines drawn: a labelled call through its label, a bus's through its point."""
    paths: dict[int, list[tuple[float, float]]] = {}
    drawn_buses = {number: bus for bus in buses(scene) for number in bus.links}
    for number, link in enumerate(scene.links):
        bus = drawn_buses.get(number)
        if bus is not None:
            if bus.inward:  # caller → the bus's point → the hub
                paths[number] = lines.get((link.source, bus.id), []) + lines.get((bus.id, bus.hub), [])
            else:  # the hub → the bus's point → the called
                paths[number] = lines.get((bus.hub, bus.id), []) + lines.get((bus.id, link.target), [])
        elif (link.source, f"{LABEL_NODE}{number}") in lines:
            label = f"{LABEL_NODE}{number}"
            paths[number] = lines[(link.source, label)] + lines.get((label, link.target), [])
        elif (link.source, link.target) in lines:
            paths[number] = lines[(link.source, link.target)]
    return paths


def _points(position: str, height: float) -> list[tuple[float, float]]:
    """Return an edge's on-curve points (every third of Graphviz's B-spline), tail to head, the arrow's tip last."""
    end: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    curve: list[tuple[float, float]] = []
    for part in position.split():
        values = part.split(",")
        if values[0] == "e":
            end = (float(values[1]), height - float(values[2]))
        elif values[0] == "s":
            start = (float(values[1]), height - float(values[2]))
        else:
            curve.append((float(values[0]), height - float(values[1])))
    points = curve[::3] if curve else []
    if curve and points[-1] != curve[-1]:
        points.append(curve[-1])
    return ([start] if start else []) + points + ([end] if end else [])
