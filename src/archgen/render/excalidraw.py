"""Excalidraw scenes: the picture as an `.excalidraw` file, every box where archgen's layout put it.

Each box is a rectangle with its text bound inside it (`containerId` one way, `boundElements`
the other) and its icon as an image element beside or above the text; each call an arrow bound
to the rectangles at both ends (`startBinding`/`endBinding`, and the arrow in each rectangle's
`boundElements`), through the bends of the layout; groups are frames holding their boxes; single
points of failure have a red stroke. Ids and seeds are derived from the scene, so one design
always gives the same file.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
from typing import Any

from archgen.render.diagram import LINK_COLOR, REPLICATION_COLOR, box_icon
from archgen.render.exports import (
    CLUSTER_STROKE,
    box_lines,
    legend,
    link_text,
    mark_color,
)
from archgen.render.placement import Placed, Rect, place
from archgen.render.scene import Scene

STROKES = {"sync": "solid", "async": "dashed", "optional": "dotted", "startup": "dashed", "replication": "dashed"}
FONT_SIZE = 14
LINE_HEIGHT = 1.25
#: The date every element says it was changed: fixed, so the same design gives the same file.
UPDATED = 1


def to_excalidraw(scene: Scene, highlight: bool = True, placed: Placed | None = None) -> str:
    """Return the scene as an Excalidraw file (JSON), at the positions of archgen's own layout."""
    placed = placed or place(scene, highlight)
    elements: list[dict[str, Any]] = []
    files: dict[str, dict[str, Any]] = {}
    elements.append(_text("title", scene.title, Rect(8, -64, 400, 25), 20, None))
    entries = legend(scene, highlight)
    if entries:
        words = "\n".join(["Legend", *entries])
        elements.append(_text("legend", words, Rect(420, -64, 260, 16 * len(entries) + 16), 12, None))
    frames = {}
    for index, rect in sorted(placed.clusters.items()):
        frame = _element("frame", f"frame-{index}", rect, strokeColor=CLUSTER_STROKE)
        frame["name"] = scene.clusters[index]
        frames[index] = frame
    boxes: dict[str, dict[str, Any]] = {}
    for number, box in enumerate(scene.boxes):
        rect = placed.boxes[box.id]
        frame_id = f"frame-{box.cluster}" if box.cluster in frames else None
        color = mark_color(box, highlight)
        rectangle = _element(
            "rectangle",
            f"box-{number}",
            rect,
            frameId=frame_id,
            strokeColor=color or "transparent",
            strokeWidth=3 if color else 1,
            strokeStyle="dashed" if (box.mark and box.mark.waived and highlight) or box.kind == "external" else "solid",
            roundness={"type": 3},
        )
        png, (width, height) = box_icon(box, scene.layout.icons)
        file_id = _file_id(png)
        if file_id not in files:
            files[file_id] = {"mimeType": "image/png", "id": file_id, "dataURL": _data_url(png), "created": UPDATED}
        beside = scene.direction == "LR"
        icon_rect = (
            Rect(rect.x + 2, rect.y + (rect.height - height) / 2, width, height)
            if beside
            else Rect(rect.x + (rect.width - width) / 2, rect.y + 2, width, height)
        )
        image = _element("image", f"icon-{number}", icon_rect, frameId=frame_id, strokeColor="transparent")
        image |= {"fileId": file_id, "status": "saved", "scale": [1, 1]}
        text = "\n".join(line for line, _ in box_lines(box, highlight))
        text_rect = (
            Rect(rect.x + width + 6, rect.y, rect.width - width - 6, rect.height)
            if beside
            else Rect(rect.x, rect.y + height + 4, rect.width, rect.height - height - 4)
        )
        label = _text(f"text-{number}", text, text_rect, FONT_SIZE, f"box-{number}", frame_id)
        label["textAlign"] = "left" if beside else "center"
        rectangle["boundElements"] = [{"type": "text", "id": label["id"]}]
        boxes[box.id] = rectangle
        elements += [rectangle, image, label]
    for number, link in enumerate(scene.links):
        points = placed.links.get(number) or [placed.boxes[link.source].center, placed.boxes[link.target].center]
        source, target = boxes[link.source], boxes[link.target]
        origin_x, origin_y = points[0]
        left, top = min(x for x, _ in points), min(y for _, y in points)
        right, bottom = max(x for x, _ in points), max(y for _, y in points)
        arrow = _element(
            "arrow",
            f"link-{number}",
            Rect(origin_x, origin_y, right - left, bottom - top),
            strokeColor=REPLICATION_COLOR if link.style == "replication" else LINK_COLOR,
            strokeStyle=STROKES[link.style],
        )
        arrow |= {
            "points": [[round(x - origin_x, 2), round(y - origin_y, 2)] for x, y in points],
            "lastCommittedPoint": None,
            "startBinding": {"elementId": source["id"], "focus": 0, "gap": 4},
            "endBinding": {"elementId": target["id"], "focus": 0, "gap": 4},
            "startArrowhead": None,
            "endArrowhead": None if link.style == "replication" else ("dot" if link.style == "startup" else "triangle"),
            "elbowed": False,
        }
        if link.alternative:
            arrow["endArrowhead"] = "arrow"
        source["boundElements"].append({"type": "arrow", "id": arrow["id"]})
        target["boundElements"].append({"type": "arrow", "id": arrow["id"]})
        elements.append(arrow)
        words = link_text(link)
        if words:
            middle = points[len(points) // 2]
            elements.append(
                _text(f"label-{number}", words, Rect(middle[0], middle[1] - 8, 8 * len(words), 16), 11, None)
            )

    # One element and one file a line: a diff of two exports reads, and Python's C encoder writes it.
    def each(items: list[Any]) -> str:
        return ",\n".join(json.dumps(item, ensure_ascii=False, separators=(",", ":")) for item in items)

    head = {"type": "excalidraw", "version": 2, "source": "archgen"}
    app_state = json.dumps({"viewBackgroundColor": "#ffffff", "gridSize": None})
    listed = [{key: value} for key, value in files.items()]
    return (
        json.dumps(head)[:-1]
        + ',\n"elements": [\n'
        + each([*frames.values(), *elements])
        + f'\n],\n"appState": {app_state},\n"files": {{\n'
        + ",\n".join(each([entry])[1:-1] for entry in listed)
        + "\n}}\n"
    )


@functools.lru_cache(maxsize=256)
def _file_id(png: bytes) -> str:
    """Return an icon's file id in the scene: its content's digest, so one icon is stored once."""
    return hashlib.sha256(png).hexdigest()[:40]


@functools.lru_cache(maxsize=256)
def _data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def _seed(identifier: str) -> int:
    """Return a fixed seed for an element (Excalidraw draws its strokes from it)."""
    return int.from_bytes(hashlib.sha256(identifier.encode()).digest()[:4], "big") % 2_000_000_000 + 1


def _element(kind: str, identifier: str, rect: Rect, **fields: Any) -> dict[str, Any]:
    """Return an element with every field Excalidraw writes, fixed where Excalidraw would pick at random."""
    element: dict[str, Any] = {
        "id": identifier,
        "type": kind,
        "x": round(rect.x, 2),
        "y": round(rect.y, 2),
        "width": round(rect.width, 2),
        "height": round(rect.height, 2),
        "angle": 0,
        "strokeColor": "#1e1e1e",
        "backgroundColor": "transparent",
        "fillStyle": "solid",
        "strokeWidth": 1,
        "strokeStyle": "solid",
        "roughness": 0,
        "opacity": 100,
        "groupIds": [],
        "frameId": None,
        "roundness": None,
        "seed": _seed(identifier),
        "version": 1,
        "versionNonce": _seed(identifier + "#nonce"),
        "isDeleted": False,
        "boundElements": [],
        "updated": UPDATED,
        "link": None,
        "locked": False,
    }
    element.update(fields)
    return element


def _text(
    identifier: str, text: str, rect: Rect, size: int, container: str | None, frame: str | None = None
) -> dict[str, Any]:
    element = _element("text", identifier, rect, frameId=frame, strokeColor="#2D3436")
    element |= {
        "text": text,
        "originalText": text,
        "fontSize": size,
        "fontFamily": 2,
        "textAlign": "left",
        "verticalAlign": "middle" if container else "top",
        "containerId": container,
        "autoResize": True,
        "lineHeight": LINE_HEIGHT,
    }
    return element
