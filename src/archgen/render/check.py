"""The picture check: read Graphviz's own layout and count what makes a picture unfit to publish.

Graphviz's `-Tjson` output carries the drawing operations of every node, edge and cluster
(xdot): each piece of text with its baseline, alignment, font size and the width Graphviz
measured, and every edge as Bézier control points. From those we count

- overlaps: two pieces of text that cover each other;
- crossings: an edge (or its arrowhead) drawn through a piece of text;
- clipped: text outside the box it belongs to (its node or cluster) or outside the canvas.

A picture fit to publish has all three at zero.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from archgen.render.diagram import BUS_NODE, LABEL_NODE

# Text extends this far above and below its baseline, as a share of the font size.
ASCENT = 0.75
DESCENT = 0.2
# Closer than this, in points, is not a collision: antialiasing, rounding of Graphviz's own numbers.
TOLERANCE = 1.0
SAMPLES_PER_CURVE = 12
CELL = 64.0


@dataclass(frozen=True)
class Text:
    """One piece of text as drawn: its box in points (y grows upwards) and who drew it."""

    text: str
    owner: str
    left: float
    bottom: float
    right: float
    top: float

    def overlaps(self, other: Text) -> bool:
        """Tell whether two pieces of text cover each other by more than the tolerance."""
        return (
            min(self.right, other.right) - max(self.left, other.left) > TOLERANCE
            and min(self.top, other.top) - max(self.bottom, other.bottom) > TOLERANCE
        )

    def crossed_by(self, start: tuple[float, float], end: tuple[float, float]) -> bool:
        """Tell whether a straight segment passes through the text, well clear of its edge (Liang–Barsky clipping)."""
        (x0, y0), (x1, y1) = start, end
        dx, dy = x1 - x0, y1 - y0
        low, high = 0.0, 1.0
        for p, q in (
            (-dx, x0 - (self.left + TOLERANCE)),
            (dx, (self.right - TOLERANCE) - x0),
            (-dy, y0 - (self.bottom + TOLERANCE)),
            (dy, (self.top - TOLERANCE) - y0),
        ):
            if p == 0:
                if q < 0:
                    return False
            elif p < 0:
                low = max(low, q / p)
            else:
                high = min(high, q / p)
        return low < high

    def inside(self, box: tuple[float, float, float, float]) -> bool:
        """Tell whether the text lies within a box (left, bottom, right, top), give or take the tolerance."""
        left, bottom, right, top = box
        return (
            self.left >= left - TOLERANCE
            and self.right <= right + TOLERANCE
            and self.bottom >= bottom - TOLERANCE
            and self.top <= top + TOLERANCE
        )


@dataclass
class PictureCheck:
    """What the check found, one readable line per problem."""

    overlaps: list[str] = field(default_factory=list)
    crossings: list[str] = field(default_factory=list)
    clipped: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Return the three counts by name."""
        return {"overlaps": len(self.overlaps), "crossings": len(self.crossings), "clipped": len(self.clipped)}

    @property
    def clean(self) -> bool:
        """Tell whether the picture has no problem at all."""
        return not (self.overlaps or self.crossings or self.clipped)


def check_layout(layout: bytes | str) -> PictureCheck:
    """Check a layout written by `dot -Tjson`."""
    graph: dict[str, Any] = json.loads(layout)
    texts, owned, curves = _read(graph)
    check = PictureCheck()
    check.clipped += [
        f"{text.text!r} of {text.owner} runs outside its box" for text, box in owned if not text.inside(box)
    ]
    canvas = _box(graph["bb"])
    check.clipped += [
        f"{text.text!r} of {text.owner} runs outside the picture" for text in texts if not text.inside(canvas)
    ]
    check.overlaps.extend(_overlaps(texts))
    check.crossings.extend(_crossings(curves, texts))
    return check


Curve = tuple[str, list[tuple[float, float]]]


def _read(
    graph: dict[str, Any],
) -> tuple[list[Text], list[tuple[Text, tuple[float, float, float, float]]], list[Curve]]:
    """Return every piece of text, the texts that belong inside a box (with the box), and every edge's points."""
    texts = list(_texts(graph.get("_ldraw_", ()), "the title"))
    owned: list[tuple[Text, tuple[float, float, float, float]]] = []
    for item in graph.get("objects", ()):
        if "bb" in item:  # a cluster
            owner, box = f"group {item.get('label', item['name'])!r}", _box(item["bb"])
        elif "nodes" in item or "edges" in item:  # a subgraph that only holds nodes together
            continue
        else:
            owner, box = f"box {item['name']!r}", _node_box(item)
        for text in _texts(item.get("_ldraw_", ()), owner):
            texts.append(text)
            owned.append((text, box))
    names = {item["_gvid"]: item["name"] for item in graph.get("objects", ()) if "_gvid" in item}
    curves: list[Curve] = []
    for edge in graph.get("edges", ()):
        owner = f"edge {names.get(edge['tail'], '?')} -> {names.get(edge['head'], '?')}"
        for key in ("_ldraw_", "_tldraw_", "_hldraw_"):
            texts.extend(_texts(edge.get(key, ()), owner))
        curves.append((owner, list(_edge_points(edge))))
    return texts, owned, curves


def _overlaps(texts: list[Text]) -> Iterator[str]:
    """Yield every pair of texts covering each other, sweeping from left to right."""
    ordered = sorted(texts, key=lambda text: (text.left, text.bottom, text.text))
    for index, text in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other.left >= text.right - TOLERANCE:
                break
            if text.overlaps(other):
                yield f"{text.text!r} of {text.owner} and {other.text!r} of {other.owner} overlap"


def _crossings(curves: list[Curve], texts: list[Text]) -> Iterator[str]:
    """Yield each (edge, text) pair where a segment of the edge runs through the text, looked up through a grid."""
    grid: dict[tuple[int, int], list[int]] = defaultdict(list)
    for number, text in enumerate(texts):
        for cell in _cells(text.left, text.bottom, text.right, text.top):
            grid[cell].append(number)
    for owner, points in curves:
        hit: set[int] = set()
        for start, end in itertools.pairwise(points):
            box = (min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), max(start[1], end[1]))
            for cell in _cells(*box):
                for number in grid.get(cell, ()):
                    if number not in hit and texts[number].crossed_by(start, end):
                        hit.add(number)
        for number in sorted(hit):
            text = texts[number]
            yield f"{owner} runs through {text.text!r} of {text.owner}"


def _cells(left: float, bottom: float, right: float, top: float) -> Iterator[tuple[int, int]]:
    for column in range(int(left // CELL), int(right // CELL) + 1):
        for row in range(int(bottom // CELL), int(top // CELL) + 1):
            yield column, row


def _texts(operations: list[dict[str, Any]], owner: str) -> Iterator[Text]:
    """Yield the pieces of text in a list of xdot operations."""
    size = 14.0
    for operation in operations:
        if operation.get("op") == "F":
            size = float(operation["size"])
        elif operation.get("op") == "T" and operation["text"].strip():
            x, y = operation["pt"]
            width = float(operation["width"])
            left = {"l": x, "c": x - width / 2, "r": x - width}[operation["align"]]
            yield Text(operation["text"], owner, left, y - DESCENT * size, left + width, y + ASCENT * size)


def _edge_points(edge: dict[str, Any]) -> Iterator[tuple[float, float]]:
    """Yield points along an edge's curves and the corners of its arrowheads."""
    for key in ("_draw_", "_hdraw_", "_tdraw_"):
        for operation in edge.get(key, ()):
            points = operation.get("points")
            if operation.get("op") in ("b", "B") and points:
                yield from _bezier(points)
            elif points:
                yield from (tuple(point) for point in points)


def _bezier(points: list[list[float]]) -> Iterator[tuple[float, float]]:
    """Sample a piecewise cubic Bézier curve (1 + 3n control points)."""
    for start in range(0, len(points) - 3, 3):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = points[start : start + 4]
        for step in range(SAMPLES_PER_CURVE + 1):
            t = step / SAMPLES_PER_CURVE
            u = 1 - t
            yield (
                u**3 * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t**3 * x3,
                u**3 * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t**3 * y3,
            )


def _box(bb: str) -> tuple[float, float, float, float]:
    left, bottom, right, top = (float(number) for number in bb.split(","))
    return left, bottom, right, top


def _node_box(node: dict[str, Any]) -> tuple[float, float, float, float]:
    x, y = (float(number) for number in node["pos"].split(","))
    half_width, half_height = float(node["width"]) * 36, float(node["height"]) * 36
    return x - half_width, y - half_height, x + half_width, y + half_height


@dataclass
class LayoutMetrics:
    """What a reader feels of a layout beyond collisions: crossing calls, calls through other groups, the shape.

    `crossings` counts pairs of calls whose lines cross (calls that share a box are not counted:
    they meet there; the calls of a bus share its line to the hub, which is crossed once);
    `through_groups` lists each call that passes through a group holding neither of its ends;
    `width` and `height` are the canvas's, in points.
    """

    calls: int
    crossings: int
    through_groups: list[str]
    width: float
    height: float

    @property
    def aspect(self) -> float:
        """Return the canvas's width over its height."""
        return self.width / self.height if self.height else 0.0

    def as_dict(self) -> dict[str, object]:
        """Return the metrics as the CLI's JSON writes them."""
        return {
            "calls": self.calls,
            "crossings": self.crossings,
            "through_groups": self.through_groups,
            "width": round(self.width, 1),
            "height": round(self.height, 1),
            "aspect": round(self.aspect, 2),
        }


def layout_metrics(layout: bytes | str) -> LayoutMetrics:
    """Measure a layout written by `dot -Tjson`: crossings between calls, calls through foreign groups, the canvas."""
    graph: dict[str, Any] = json.loads(layout)
    objects = graph.get("objects", ())
    names = {item["_gvid"]: item["name"] for item in objects if "_gvid" in item}
    calls = _calls(graph, names)
    left, bottom, right, top = _box(graph["bb"])
    groups = [
        (str(item.get("label") or item["name"]), _box(item["bb"]), {names[node] for node in item.get("nodes", ())})
        for item in objects
        if "bb" in item and item["name"].startswith("cluster_")
    ]
    through = [
        f"{owner} passes through group {title!r}"
        for owner, ends, points in calls
        for title, box, members in groups
        if not ends & members and _enters(points, box)
    ]
    trunks = sum(1 for name in names.values() if name.startswith(BUS_NODE))  # one line each, not a call
    return LayoutMetrics(len(calls) - trunks, _call_crossings(calls), through, right - left, top - bottom)


CallLine = tuple[str, frozenset[str], list[tuple[float, float]]]


def _calls(graph: dict[str, Any], names: dict[int, str]) -> list[CallLine]:
    """Return each call's name, its two ends and its line; a labelled call's two halves are one call.

    A bus's branches are lines of their own, ending at the bus's point, and so is its line to the hub.
    """
    halves: dict[str, list[tuple[str, str, list[tuple[float, float]]]]] = defaultdict(list)
    calls: list[CallLine] = []
    for edge in graph.get("edges", ()):
        if "invis" in str(edge.get("style", "")):
            continue  # a constraint the layout keeps, not a call
        tail, head = names.get(edge["tail"], "?"), names.get(edge["head"], "?")
        points = [
            point
            for operation in edge.get("_draw_", ())
            if operation.get("op") in ("b", "B")
            for point in _bezier(operation["points"])
        ]
        label = tail if tail.startswith(LABEL_NODE) else head if head.startswith(LABEL_NODE) else None
        if label is None or tail.startswith(BUS_NODE) or head.startswith(BUS_NODE):
            calls.append((f"edge {tail} -> {head}", frozenset((tail, head)), points))
        else:
            halves[label].append((tail, head, points))
    for parts in halves.values():
        into = next((part for part in parts if part[1].startswith(LABEL_NODE)), parts[0])
        out = next((part for part in parts if part[0].startswith(LABEL_NODE)), parts[-1])
        calls.append((f"edge {into[0]} -> {out[1]}", frozenset((into[0], out[1])), into[2] + out[2]))
    return calls


def _call_crossings(calls: list[CallLine]) -> int:
    """Count the pairs of calls whose lines cross, calls sharing a box left out."""
    grid: dict[tuple[int, int], set[int]] = defaultdict(set)
    segments: list[list[tuple[tuple[float, float], tuple[float, float]]]] = []
    for number, (_, _, points) in enumerate(calls):
        pieces = list(itertools.pairwise(points))
        segments.append(pieces)
        for start, end in pieces:
            for cell in _cells(
                min(start[0], end[0]), min(start[1], end[1]), max(start[0], end[0]), max(start[1], end[1])
            ):
                grid[cell].add(number)
    pairs: set[tuple[int, int]] = set()
    for members in grid.values():
        pairs.update((a, b) for a in members for b in members if a < b and not calls[a][1] & calls[b][1])
    return sum(1 for a, b in pairs if any(_cross(s, t) for s in segments[a] for t in segments[b]))


def _cross(
    first: tuple[tuple[float, float], tuple[float, float]], second: tuple[tuple[float, float], tuple[float, float]]
) -> bool:
    """Tell whether two segments cross properly (touching at an end does not count)."""
    (ax, ay), (bx, by) = first
    (cx, cy), (dx, dy) = second

    def side(px: float, py: float, qx: float, qy: float, rx: float, ry: float) -> float:
        return (qx - px) * (ry - py) - (qy - py) * (rx - px)

    d1, d2 = side(cx, cy, dx, dy, ax, ay), side(cx, cy, dx, dy, bx, by)
    d3, d4 = side(ax, ay, bx, by, cx, cy), side(ax, ay, bx, by, dx, dy)
    return d1 * d2 < 0 and d3 * d4 < 0


def _enters(points: list[tuple[float, float]], box: tuple[float, float, float, float]) -> bool:
    """Tell whether a line passes inside a box, well clear of its border."""
    left, bottom, right, top = box
    inner = Text("", "", left + 4 * TOLERANCE, bottom + 4 * TOLERANCE, right - 4 * TOLERANCE, top - 4 * TOLERANCE)
    return any(inner.crossed_by(start, end) for start, end in itertools.pairwise(points))
